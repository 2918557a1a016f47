#include "store/pg.h"

#include <libpq-fe.h>

#include <algorithm>

namespace gv {

struct PgConnection::Impl {
  PGconn* conn = nullptr;
};

namespace {

std::string ServerError(PGconn* conn, PGresult* result) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message.empty() ? "PostgreSQL error" : message;
}

Result<PgRows> Collect(PGconn* conn, PGresult* result) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = ServerError(conn, result);
    PQclear(result);
    return MakeError(message);
  }
  PgRows rows;
  const int columns = PQnfields(result), n = PQntuples(result);
  for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result, c));
  rows.rows.reserve(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(result, r, c),
                                     static_cast<std::size_t>(PQgetlength(result, r, c))));
    }
    rows.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(result);
  rows.affected = affected && *affected ? std::atol(affected) : 0;
  PQclear(result);
  return rows;
}

}  // namespace

int PgRows::Column(const std::string& name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
}

std::string PgRows::Text(std::size_t r, const std::string& column) const {
  const int c = Column(column);
  if (c < 0 || r >= rows.size()) return "";
  const auto& v = rows[r][static_cast<std::size_t>(c)];
  return v ? *v : "";
}

std::string PgRows::Bytes(std::size_t r, const std::string& column) const {
  const std::string text = Text(r, column);
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return "";
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return "";
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo) {
  std::string info = conninfo;
  if (info.rfind("PG:", 0) == 0) info = info.substr(3);
  std::unique_ptr<PgConnection> connection(new PgConnection);
  connection->impl_ = std::make_unique<Impl>();
  connection->impl_->conn = PQconnectdb(info.c_str());
  if (!connection->impl_->conn || PQstatus(connection->impl_->conn) != CONNECTION_OK) {
    std::string message = ServerError(connection->impl_->conn, nullptr);
    return MakeError("cannot connect to the store: " + message);
  }
  // Notices (a table that already exists) are not the user's concern.
  PQsetNoticeProcessor(
      connection->impl_->conn, [](void*, const char*) {}, nullptr);
  return connection;
}

PgConnection::~PgConnection() {
  if (impl_ && impl_->conn) PQfinish(impl_->conn);
}

Result<PgRows> PgConnection::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(impl_->conn, sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0);
  return Collect(impl_->conn, result);
}

Status PgConnection::ExecScript(const std::string& sql) {
  auto rows = Collect(impl_->conn, PQexec(impl_->conn, sql.c_str()));
  if (!rows.ok()) return rows.error();
  return OkStatus();
}

Result<PgRows> PgConnection::ExecWithBytes(const std::string& sql,
                                           const std::vector<PgParam>& params,
                                           const std::vector<std::string>& bytes) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
    lengths.push_back(0);
    formats.push_back(0);
  }
  for (const auto& b : bytes) {
    values.push_back(b.data());
    lengths.push_back(static_cast<int>(b.size()));
    formats.push_back(1);
  }
  PGresult* result = PQexecParams(impl_->conn, sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), lengths.data(), formats.data(), 0);
  return Collect(impl_->conn, result);
}

Result<std::string> PgConnection::CurrentUser() {
  auto rows = Exec("SELECT current_user");
  if (!rows.ok()) return rows.error();
  if (rows->rows.empty() || !rows->rows[0][0]) return MakeError("no current user");
  return *rows->rows[0][0];
}

Result<std::unique_ptr<PgTransaction>> PgTransaction::Begin(PgConnection& connection) {
  auto begun = connection.Exec("BEGIN");
  if (!begun.ok()) return begun.error();
  return std::unique_ptr<PgTransaction>(new PgTransaction(connection));
}

PgTransaction::~PgTransaction() {
  if (!done_) (void)connection_.Exec("ROLLBACK");
}

Status PgTransaction::Commit() {
  auto committed = connection_.Exec("COMMIT");
  done_ = true;
  if (!committed.ok()) return committed.error();
  return OkStatus();
}

}  // namespace gv
