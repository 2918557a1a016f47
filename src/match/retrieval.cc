#include "match/retrieval.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "match/vocabulary.h"

namespace gv {

Result<Similar> RetrieveSimilar(const std::vector<const Features*>& items,
                                const RetrievalOptions& options) {
  std::vector<int> rows(items.size(), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Features* f = items[i];
    if (f != nullptr && !f->binary && f->descriptors.type() == CV_32F)
      rows[i] = f->descriptors.rows;
  }
  return RetrieveSimilar(
      rows,
      [&](int i) -> Result<cv::Mat> { return items[static_cast<std::size_t>(i)]->descriptors; },
      options);
}

Result<Similar> RetrieveSimilar(const std::vector<int>& rows,
                                const std::function<Result<cv::Mat>(int)>& load,
                                const RetrievalOptions& options) {
  const int n = static_cast<int>(rows.size());
  Similar out(rows.size());
  std::vector<int> usable;
  int total = 0;
  for (int i = 0; i < n; ++i)
    if (rows[static_cast<std::size_t>(i)] > 0)
      usable.push_back(i), total += rows[static_cast<std::size_t>(i)];
  if (usable.size() < 2) return out;
  const auto loaded = [&](int i) -> Result<cv::Mat> {
    auto d = load(i);
    if (d.ok() && (d->type() != CV_32F || d->rows != rows[static_cast<std::size_t>(i)]))
      return MakeError("retrieval item " + std::to_string(i) + " changed its descriptors");
    return d;
  };
  // The vocabulary's training sample, gathered item by item: row `sample_rows[s]` of the items'
  // descriptors stacked in order becomes row s of the sample, as Vocabulary::Train takes it.
  const std::vector<int> sample_rows = Vocabulary::SampleRows(total, options.max_samples);
  std::vector<std::pair<int, int>> wanted;  // (stacked row, sample row)
  for (std::size_t s = 0; s < sample_rows.size(); ++s)
    wanted.emplace_back(sample_rows[s], static_cast<int>(s));
  std::sort(wanted.begin(), wanted.end());
  cv::Mat sample;
  {
    std::size_t next = 0;
    int first = 0;  // stacked index of the item's first row
    for (int i : usable) {
      const int count = rows[static_cast<std::size_t>(i)];
      if (next < wanted.size() && wanted[next].first < first + count) {
        auto d = loaded(i);
        if (!d.ok()) return d.error();
        if (sample.empty()) sample.create(static_cast<int>(sample_rows.size()), d->cols, CV_32F);
        for (; next < wanted.size() && wanted[next].first < first + count; ++next)
          d->row(wanted[next].first - first).copyTo(sample.row(wanted[next].second));
      }
      first += count;
    }
  }
  const int k = std::clamp(total / 20, 16, options.max_words);
  auto vocabulary = Vocabulary::Train(sample, std::min(k, total), options.max_samples);
  if (!vocabulary.ok()) return vocabulary.error();
  // Term counts, document frequencies, then L2-normalised TF-IDF vectors.
  std::vector<std::map<int, double>> vectors(rows.size());
  std::vector<int> df(static_cast<std::size_t>(vocabulary->size()), 0);
  for (int i : usable) {
    auto d = loaded(i);
    if (!d.ok()) return d.error();
    for (int w : vocabulary->Quantize(*d)) vectors[i][w] += 1;
    for (const auto& [w, c] : vectors[i]) ++df[static_cast<std::size_t>(w)];
  }
  for (int i : usable) {
    double norm = 0;
    for (auto& [w, c] : vectors[i]) {
      // Smoothed IDF: a word in every photo of a small case still counts a little.
      c *= std::log(1.0 + static_cast<double>(usable.size()) / df[static_cast<std::size_t>(w)]);
      norm += c * c;
    }
    norm = std::sqrt(norm);
    for (auto& [w, c] : vectors[i]) c = norm > 0 ? c / norm : 0;
  }
  for (int i : usable) {
    std::vector<std::pair<int, double>> scores;
    for (int j : usable) {
      if (j == i) continue;
      double dot = 0;
      const auto& a = vectors[i];
      const auto& b = vectors[j];
      for (const auto& [w, c] : a.size() < b.size() ? a : b) {
        const auto& other = a.size() < b.size() ? b : a;
        if (auto it = other.find(w); it != other.end()) dot += c * it->second;
      }
      scores.emplace_back(j, dot);
    }
    std::sort(scores.begin(), scores.end(),
              [](const auto& x, const auto& y) { return x.second > y.second; });
    if (static_cast<int>(scores.size()) > options.candidates) scores.resize(options.candidates);
    out[i] = std::move(scores);
  }
  return out;
}

}  // namespace gv
