// Retrieval among a set of photos held in memory (a case's own photos): a visual vocabulary
// trained on their descriptors, TF-IDF vectors (Sivic & Zisserman, ICCV 2003, as the
// reference collections use), and for each photo the most similar others by cosine. This
// replaces matching every pair (O(n^2) geometric verifications) by verifying a few
// candidates per photo.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "match/features.h"
#include "util/result.h"

namespace gv {

struct RetrievalOptions {
  int candidates = 5;       // most similar others returned per photo
  int max_words = 2048;     // vocabulary size at most (fewer for few descriptors)
  int max_samples = 60000;  // descriptors sampled to train it
};

using Similar = std::vector<std::vector<std::pair<int, double>>>;

// For each item, up to `candidates` (other index, cosine similarity) pairs, best first.
// Items without float descriptors (binary features, none) get no candidates and are never
// candidates. Error when the vocabulary cannot be trained.
Result<Similar> RetrieveSimilar(const std::vector<const Features*>& items,
                                const RetrievalOptions& options = {});

// The same, with the items' descriptors not held in memory together: `rows[i]` is item i's
// count of float descriptors (0: not an item to retrieve), and `load(i)` gives them (CV_32F,
// rows[i] rows). Each item is loaded at most twice, one at a time; only the vocabulary's
// training sample is held. The result is the one RetrieveSimilar above gives.
Result<Similar> RetrieveSimilar(const std::vector<int>& rows,
                                const std::function<Result<cv::Mat>(int)>& load,
                                const RetrievalOptions& options = {});

}  // namespace gv
