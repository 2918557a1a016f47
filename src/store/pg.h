// A thin RAII layer over libpq (Debian libpq-dev): one connection, statements with text
// parameters (never spliced into SQL), results as rows of optional strings. The only file
// that includes libpq-fe.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

// A parameter: a text value, or SQL NULL.
using PgParam = std::optional<std::string>;

struct PgRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  long affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  // The value of `column` in row `r` ("" for NULL); -1 when there is no such column.
  int Column(const std::string& name) const;
  std::string Text(std::size_t r, const std::string& column) const;
  // A bytea value as its bytes (the server sends bytea as "\\x" and hex digits).
  std::string Bytes(std::size_t r, const std::string& column) const;
};

class PgConnection {
 public:
  // `conninfo`: libpq keywords ("host=127.0.0.1 port=5432 dbname=cases user=unit_kh") or
  // a postgresql:// URI; GDAL's "PG:" prefix is accepted. The error says why it failed.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One statement, parameters as $1, $2, ... The error carries the server's message.
  Result<PgRows> Exec(const std::string& sql, const std::vector<PgParam>& params = {});
  // Statements separated by semicolons, no parameters (schema scripts).
  Status ExecScript(const std::string& sql);
  // Binary parameters (bytea) after the text ones: `bytes` are $N+1, $N+2, ...
  Result<PgRows> ExecWithBytes(const std::string& sql, const std::vector<PgParam>& params,
                               const std::vector<std::string>& bytes);
  // The role the connection acts as (current_user).
  Result<std::string> CurrentUser();

 private:
  PgConnection() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A transaction: BEGIN now, ROLLBACK on destruction unless Commit() succeeded.
class PgTransaction {
 public:
  static Result<std::unique_ptr<PgTransaction>> Begin(PgConnection& connection);
  ~PgTransaction();
  Status Commit();

 private:
  explicit PgTransaction(PgConnection& connection) : connection_(connection) {}
  PgConnection& connection_;
  bool done_ = false;
};

}  // namespace gv
