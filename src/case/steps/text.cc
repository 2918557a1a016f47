// text: the text in the photo read as location clues (src/text/, as `geoverify text`):
// candidate lines and case.yaml's text_boxes read by Tesseract, and a clue per script that
// says where it is written (`script`), per phone number (`phone_country`), per country-code
// domain (`tld_country`), per licence plate (`plate_country`) and per currency sign
// (`currency_country`), each the country's outline with the 5 km border blur, at the clue's
// confidence; and per place name (`place_name`) the towns of that name as disks of their
// size. Every line read keeps its crop as a picture (`text_N`), named by its clues, so that
// an analyst can check the reading.
#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "case/steps/steps.h"
#include "geo/countries.h"
#include "text/reader.h"
#include "text/text_json.h"

namespace gv {
namespace {

constexpr double kTextCountryBorderM = 5000;

class TextStep : public Step {
 public:
  const char* name() const override { return "text"; }
  const char* description() const override {
    return "text clues: scripts, phone numbers, domains, plates, currency signs and place names "
           "read in the photo";
  }
  bool Applies(const PhotoContext& ctx) const override { return ctx.evidence.Pixels().ok(); }
  Status Run(PhotoContext& ctx) override {
    if (!reader_) {
      auto opened = TextReader::Open({});
      if (!opened.ok()) return opened.error();
      reader_ = std::move(*opened);
    }
    const auto& pixels = ctx.evidence.Pixels();
    if (!pixels.ok()) return pixels.error();
    std::vector<cv::Rect> boxes;
    if (const auto* config = ctx.config())
      for (const auto& b : config->text_boxes) boxes.emplace_back(b.x, b.y, b.width, b.height);
    auto lines = reader_->Read(*pixels, boxes);
    // The models go until the next photo's text step: the next photo's forensics step needs
    // the memory (a 100-photo case of 12 MP peaks at 0.95 GB instead of 1.16 GB, the text
    // step takes 0.3 s longer a photo).
    reader_->ReleaseModels();
    if (!lines.ok()) return lines.error();
    ctx.photo.text = TextJson(*lines);
    // The crop of every line, named in the JSON, for the analyst to check the reading.
    std::vector<std::string> crops;
    for (std::size_t i = 0; i < lines->size(); ++i) {
      crops.push_back("text_" + std::to_string(i + 1));
      const cv::Rect box = (*lines)[i].box & cv::Rect(0, 0, pixels->cols, pixels->rows);
      cv::Mat crop = (*pixels)(box).clone();
      if (crop.cols > 480) cv::resize(crop, crop, cv::Size(), 480.0 / crop.cols, 480.0 / crop.cols);
      ctx.photo.pictures.push_back({crops[i], crop, "", {}, {}});
      ctx.photo.text["lines"][i]["crop"] = crops[i];
    }
    for (const auto& c : ctx.photo.text["clues"]) {
      const std::string kind = c["kind"].get<std::string>();
      std::string country, detail;
      double confidence = c["confidence"].get<double>();
      std::vector<std::string> pictures;
      if (kind == "script") {
        country = c["countries"][0]["country"].get<std::string>();
        confidence *= c["countries"][0]["weight"].get<double>();
        const std::string script = c["script"].get<std::string>();
        for (std::size_t i = 0; i < lines->size(); ++i)
          if ((*lines)[i].script == script && MakesScriptClue((*lines)[i]))
            pictures.push_back(crops[i]);
        detail = std::to_string(c["lines"].get<int>()) + " line(s) in " + script + " script";
      } else {
        country = c["country"].get<std::string>();
        const std::string value = c["value"].get<std::string>();
        for (std::size_t i = 0; i < lines->size(); ++i)
          for (const auto& item : (*lines)[i].items)
            if (item.value == value) pictures.push_back(crops[i]);
        detail = "'" + value + "'";
      }
      if (kind == "place_name") {
        // The towns of that name: disks of the town's size (fusion takes the nearest).
        const auto& places = c["places"];
        if (!places.is_array() || places.empty()) continue;
        Clue clue;
        clue.kind = kind;
        clue.point = LatLon{places[0]["lat"].get<double>(), places[0]["lon"].get<double>()};
        clue.uncertainty_m = places[0]["radius_m"].get<double>();
        clue.confidence = std::clamp(confidence, 0.0, 1.0);
        clue.confidence_note = "a place named on a sign may be a destination or a name";
        std::string where = places[0]["name"].get<std::string>() + " (" +
                            places[0]["country"].get<std::string>() + ")";
        if (places.size() > 1)
          where += " or " + std::to_string(places.size() - 1) + " other place(s) of that name";
        clue.description = "Text: the place name " + detail + " reads as " + where;
        clue.params = c;
        clue.params["crops"] = pictures;
        ctx.AddClue(std::move(clue));
        continue;
      }
      const auto outline_country = CountryByAlpha2(country);
      if (!outline_country) continue;
      auto outline = CountryOutline(*outline_country);
      if (!outline.ok()) return outline.error();
      Clue clue;
      clue.kind = kind;
      clue.polygons = std::move(*outline);
      clue.uncertainty_m = kTextCountryBorderM;
      clue.confidence = std::clamp(confidence, 0.0, 1.0);
      clue.confidence_note = kind == "script"
                                 ? "a script says where it is read, not where the photo is"
                                 : "a number, domain or price may be foreign to the place";
      clue.description =
          "Text: " + detail + " points to " + outline_country->name + " (" + country + ")";
      clue.params = c;
      clue.params["crops"] = pictures;
      ctx.AddClue(std::move(clue));
    }
    return OkStatus();
  }

 private:
  std::unique_ptr<TextReader> reader_;
};

}  // namespace

std::unique_ptr<Step> MakeTextStep() { return std::make_unique<TextStep>(); }

}  // namespace gv
