#include "report/case_outputs.h"

#include <sstream>

#include "metadata/metadata_json.h"
#include "report/escape.h"
#include "report/html_report.h"
#include "report/layers.h"
#include "util/file.h"

namespace gv {
namespace {

std::string ManifestCsv(const Case& c) {
  std::ostringstream out;
  out << "path,sha256,bytes,modified_utc,intake_utc,kind,error\n";
  for (const auto& e : c.evidence) {
    out << CsvField(e.path) << ',' << e.sha256 << ',' << e.bytes << ',' << e.modified_utc << ','
        << e.intake_utc << ',' << e.kind << ',' << CsvField(e.error) << '\n';
  }
  return out.str();
}

std::string PhotosJson(const Case& c) {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& p : c.photos) all.push_back(ToJson(p));
  return all.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

Result<std::vector<std::filesystem::path>> WriteCaseOutputs(const Case& c,
                                                            const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return MakeError(out_dir.string() + ": cannot create folder: " + ec.message());
  std::vector<std::filesystem::path> written;
  const auto write_text = [&](const char* name, const std::string& text) -> Status {
    const auto path = out_dir / name;
    if (auto st = WriteFileAtomic(path, text); !st.ok()) return st;
    written.push_back(path);
    return OkStatus();
  };
  if (auto st = write_text("manifest.csv", ManifestCsv(c)); !st.ok()) return st.error();
  if (auto st = write_text("photos.json", PhotosJson(c)); !st.ok()) return st.error();
  for (const char* name : {"case.gpkg", "case.kml"}) {
    if (auto st = WriteCaseLayers(c, out_dir / name); !st.ok()) return st.error();
    written.push_back(out_dir / name);
  }
  auto html = RenderHtmlReport(c);
  if (!html.ok()) return html.error();
  if (auto st = write_text("report.html", *html); !st.ok()) return st.error();
  return written;
}

}  // namespace gv
