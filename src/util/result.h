// Result<T>: the value of an operation that can fail in an expected way (unreadable
// file, no EXIF, unknown time zone). The caller must look at ok() before value().
// A broken invariant is not an expected failure and may throw instead.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gv {

struct Error {
  std::string message;  // human-readable, names the file or input it is about
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

// Result of an operation that yields nothing but may fail.
using Status = Result<std::monostate>;
inline Status OkStatus() { return std::monostate{}; }

inline Error MakeError(std::string message) { return Error{std::move(message)}; }

}  // namespace gv
