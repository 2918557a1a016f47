#include "match/retrieval.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "match/vocabulary.h"

namespace gv {

Result<std::vector<std::vector<std::pair<int, double>>>> RetrieveSimilar(
    const std::vector<const Features*>& items, const RetrievalOptions& options) {
  const int n = static_cast<int>(items.size());
  std::vector<std::vector<std::pair<int, double>>> out(items.size());
  std::vector<int> usable;
  cv::Mat all;
  for (int i = 0; i < n; ++i) {
    const Features* f = items[i];
    if (f == nullptr || f->binary || f->descriptors.empty() || f->descriptors.type() != CV_32F)
      continue;
    usable.push_back(i);
    all.push_back(f->descriptors);
  }
  if (usable.size() < 2) return out;
  const int k = std::clamp(all.rows / 20, 16, options.max_words);
  auto vocabulary = Vocabulary::Train(all, std::min(k, all.rows), options.max_samples);
  if (!vocabulary.ok()) return vocabulary.error();
  // Term counts, document frequencies, then L2-normalised TF-IDF vectors.
  std::vector<std::map<int, double>> vectors(items.size());
  std::vector<int> df(static_cast<std::size_t>(vocabulary->size()), 0);
  for (int i : usable) {
    for (int w : vocabulary->Quantize(items[i]->descriptors)) vectors[i][w] += 1;
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
