#include "util/time.h"

#include <chrono>
#include <cstdio>

namespace gv {
namespace {

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::int64_t DaysFromCivil(int year, int month, int day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t ToEpochSeconds(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

CivilTime FromEpochSeconds(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

std::optional<CivilTime> ParseExifDateTime(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  CivilTime t;
  if (!ReadDigits(text, 0, 4, t.year) || !ReadDigits(text, 5, 2, t.month) ||
      !ReadDigits(text, 8, 2, t.day)) {
    return std::nullopt;
  }
  if ((text[4] != ':' && text[4] != '-') || text[7] != text[4]) return std::nullopt;
  if (text.size() >= 19) {
    if ((text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':' ||
        !ReadDigits(text, 11, 2, t.hour) || !ReadDigits(text, 14, 2, t.minute) ||
        !ReadDigits(text, 17, 2, t.second)) {
      return std::nullopt;
    }
  } else if (text.size() != 10) {
    return std::nullopt;
  }
  if (t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > DaysInMonth(t.year, t.month) || t.hour > 23 || t.minute > 59 || t.second > 60) {
    return std::nullopt;
  }
  if (t.second == 60) t.second = 59;  // leap second: keep the civil time representable
  return t;
}

std::optional<int> ParseUtcOffset(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text == "Z" || text == "z") return 0;
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  int hours = 0, minutes = 0;
  if (!ReadDigits(text, 1, 2, hours)) return std::nullopt;
  if (text.size() == 6 && text[3] == ':') {
    if (!ReadDigits(text, 4, 2, minutes)) return std::nullopt;
  } else if (text.size() == 5) {
    if (!ReadDigits(text, 3, 2, minutes)) return std::nullopt;
  } else if (text.size() != 3) {
    return std::nullopt;
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  const int seconds = hours * 3600 + minutes * 60;
  return text[0] == '-' ? -seconds : seconds;
}

std::optional<ZonedTime> ParseIso8601(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() < 19 || text[4] != '-') return std::nullopt;
  const auto local = ParseExifDateTime(text.substr(0, 19));
  if (!local) return std::nullopt;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  ZonedTime out{*local, std::nullopt};
  if (rest.empty()) return out;
  out.offset_s = ParseUtcOffset(rest);
  if (!out.offset_s) return std::nullopt;
  return out;
}

std::string FormatIsoLocal(const CivilTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

std::string FormatIsoUtc(std::int64_t epoch_seconds) {
  return FormatIsoLocal(FromEpochSeconds(epoch_seconds)) + "Z";
}

std::string FormatUtcOffset(int seconds_east) {
  const char sign = seconds_east < 0 ? '-' : '+';
  const int abs = seconds_east < 0 ? -seconds_east : seconds_east;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, abs / 3600, abs % 3600 / 60);
  return buf;
}

std::string NowIsoUtc() {
  const auto now = std::chrono::system_clock::now();
  return FormatIsoUtc(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace gv
