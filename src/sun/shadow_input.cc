#include "sun/shadow_input.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sun/sun_summary.h"
#include "util/file.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

Result<double> Number(const ObservationSpec& spec, const std::string& key, double fallback) {
  const auto it = spec.find(key);
  if (it == spec.end() || Trim(it->second).empty()) return fallback;
  const std::string text = Trim(it->second);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return MakeError(key + ": '" + text + "' is not a number");
  return value;
}

bool Has(const ObservationSpec& spec, const std::string& key) {
  const auto it = spec.find(key);
  return it != spec.end() && !Trim(it->second).empty();
}

}  // namespace

const std::vector<std::string>& ObservationKeys() {
  static const std::vector<std::string> keys = {"at",
                                                "tz",
                                                "object_height",
                                                "shadow_length",
                                                "shadow_ratio",
                                                "sun_elevation",
                                                "azimuth",
                                                "length_tolerance",
                                                "time_tolerance",
                                                "azimuth_tolerance",
                                                "elevation_tolerance"};
  return keys;
}

Result<ShadowObservation> MakeObservation(const ObservationSpec& spec) {
  for (const auto& [key, value] : spec) {
    if (std::find(ObservationKeys().begin(), ObservationKeys().end(), key) ==
        ObservationKeys().end()) {
      return MakeError("unknown observation key '" + key + "'");
    }
  }
  if (!Has(spec, "at")) return MakeError("observation without a time (--at)");
  const int kinds =
      Has(spec, "shadow_length") + Has(spec, "shadow_ratio") + Has(spec, "sun_elevation");
  if (kinds != 1)
    return MakeError(
        "give exactly one of --shadow-length (with --object-height), --shadow-ratio, "
        "--sun-elevation");
  auto length_tol = Number(spec, "length_tolerance", 0.10);
  auto elevation_tol = Number(spec, "elevation_tolerance", 1.0);
  auto time_tol = Number(spec, "time_tolerance", 60.0);
  auto azimuth_tol = Number(spec, "azimuth_tolerance", 5.0);
  for (const auto* r : {&length_tol, &elevation_tol, &time_tol, &azimuth_tol}) {
    if (!r->ok()) return r->error();
  }
  Result<ShadowObservation> obs = MakeError("");
  if (Has(spec, "shadow_length")) {
    if (!Has(spec, "object_height")) return MakeError("--shadow-length needs --object-height");
    auto h = Number(spec, "object_height", 0), l = Number(spec, "shadow_length", 0);
    if (!h.ok()) return h.error();
    if (!l.ok()) return l.error();
    obs = ShadowObservation::FromLengths(*h, *l, *length_tol);
  } else if (Has(spec, "shadow_ratio")) {
    auto r = Number(spec, "shadow_ratio", 0);
    if (!r.ok()) return r.error();
    obs = ShadowObservation::FromRatio(*r, *length_tol);
  } else {
    auto e = Number(spec, "sun_elevation", 0);
    if (!e.ok()) return e.error();
    obs = ShadowObservation::FromElevation(*e, *elevation_tol);
  }
  if (!obs.ok()) return obs.error();
  const auto tz = spec.count("tz") ? Trim(spec.at("tz")) : std::string();
  const std::string at = Trim(spec.at("at"));
  const auto parsed = ParseIso8601(at);
  if (parsed && !parsed->offset_s && tz.empty()) {
    // Local time of unknown zone: every place converts it with its own zone.
    obs->zone_unknown = true;
    obs->utc_seconds = static_cast<double>(ToEpochSeconds(parsed->local));
  } else {
    auto when = ResolveTime(at, tz);
    if (!when.ok()) return when.error();
    obs->utc_seconds = when->utc_seconds;
  }
  obs->label = spec.at("at");
  obs->time_tolerance_s = *time_tol;
  obs->azimuth_tolerance_deg = *azimuth_tol;
  if (Has(spec, "azimuth")) {
    auto a = Number(spec, "azimuth", 0);
    if (!a.ok()) return a.error();
    obs->shadow_azimuth_deg = *a;
  }
  if (auto st = obs->Check(); !st.ok()) return st.error();
  return obs;
}

Result<std::vector<ObservationSpec>> ReadObservationFile(const std::filesystem::path& path) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, 1 << 20, bytes); !st.ok()) return st.error();
  const std::string text(bytes.begin(), bytes.end());
  std::vector<ObservationSpec> out;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    try {
      for (const auto& item : nlohmann::json::parse(text)) {
        ObservationSpec spec;
        for (const auto& [key, value] : item.items())
          spec[key] = value.is_string() ? value.get<std::string>() : value.dump();
        out.push_back(std::move(spec));
      }
    } catch (const std::exception& e) {
      return MakeError(path.string() + ": not valid JSON: " + e.what());
    }
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> header;
  while (std::getline(lines, line)) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    auto cells = SplitCsvLine(line);
    if (header.empty()) {
      for (auto& c : cells) c = Trim(c);
      header = cells;
      continue;
    }
    if (cells.size() != header.size())
      return MakeError(path.string() + ": row has " + std::to_string(cells.size()) +
                       " fields, header has " + std::to_string(header.size()));
    ObservationSpec spec;
    for (std::size_t i = 0; i < header.size(); ++i) spec[header[i]] = cells[i];
    out.push_back(std::move(spec));
  }
  if (out.empty()) return MakeError(path.string() + ": no observations");
  return out;
}

Result<std::vector<ObservationSpec>> GroupObservationArgs(const std::vector<std::string>& args) {
  std::vector<ObservationSpec> groups;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) continue;
    std::string name = args[i].substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::replace(name.begin(), name.end(), '-', '_');
    if (std::find(ObservationKeys().begin(), ObservationKeys().end(), name) ==
        ObservationKeys().end())
      continue;
    if (!inline_value) {
      if (i + 1 >= args.size()) return MakeError("--" + args[i].substr(2) + " needs a value");
      value = args[++i];
    }
    // Each --at starts an observation; options given before the first --at join it.
    const bool first_time_of_leading_group =
        name == "at" && groups.size() == 1 && !groups.back().count("at");
    if (groups.empty() || (name == "at" && !first_time_of_leading_group)) groups.emplace_back();
    groups.back()[name] = value;
  }
  return groups;
}

}  // namespace gv
