// geoverify: where was a photo taken, and can it be trusted? Offline.
#ifdef GEOVERIFY_MIMALLOC
#include <mimalloc.h>
#endif
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cli/command.h"

namespace gv::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

constexpr Command kCommands[] = {
    {"inspect",
     "read metadata (EXIF, IPTC, XMP, GPS, times; videos too) and run the metadata checks",
     &RunInspect},
    {"run", "take in a case folder and write layers (GeoPackage, KML) and an HTML report", &RunRun},
    {"merge", "join the outputs of sharded runs (run --shard K/N) into one case output", &RunMerge},
    {"sun", "sun position, sunrise/sunset and shadow ratio for a time and place or a photo",
     &RunSun},
    {"shadow", "places where the sun could have cast the observed shadows (polygons, raster, map)",
     &RunShadow},
    {"match", "do two photos show the same place? features, matching, geometric verification",
     &RunMatch},
    {"refs", "geotagged reference collections: build, add, info, export", &RunRefs},
    {"locate", "where was this photo taken? retrieval and verification against a collection",
     &RunLocate},
    {"georef",
     "place a photo of the ground on orthophotos/satellite rasters: footprint, GCPs, warp",
     &RunGeoref},
    {"forensics",
     "JPEG structure, double compression, copy-move, error levels, noise, thumbnail, hashes "
     "(batch)",
     &RunForensics},
    {"text", "text in photos as location clues: scripts, phone numbers, URLs, currency (Tesseract)",
     &RunText},
    {"redact",
     "redacted copies for sharing: no metadata, faces and boxes filled, logged, verifiable",
     &RunRedact},
    {"exercise",
     "training exercises: packs of redacted photos, sealed answer keys, grading, leaderboards",
     &RunExercise},
    {"store",
     "the shared case store (PostGIS): push cases, link them to other units' cases, share, query",
     &RunStore},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(
      out,
      "geoverify %s: locate and verify photos, offline\n\n"
      "usage: geoverify <command> [options]   (geoverify <command> --help for its options)\n\n"
      "commands:\n",
      GEOVERIFY_VERSION);
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nexit codes: 0 all inputs processed, 1 some inputs failed, 2 usage error\n");
}

}  // namespace

}  // namespace gv::cli

int main(int argc, char** argv) {
  using namespace gv::cli;
#ifdef GEOVERIFY_MIMALLOC
  // Freed memory goes back to the system at once, not after mimalloc's default 25 ms: with the
  // delay, what each photo's forensics freed (its threads' heaps, SIFT's scale space) piled up
  // between photos: 12 HEIC photos through forensics held 216 -> 336 MB between photos, and
  // 196 MB flat without it, for 8 % more time (docs/evaluation.md). MIMALLOC_DECOMMIT_DELAY
  // in the environment still wins (mimalloc read it before main: only set when absent).
  if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr) mi_option_set(mi_option_decommit_delay, 0);
#endif
  // Tesseract (the text command and step) asks OpenMP for many threads on small line images,
  // which spin: on 2 cores one thread reads a 12 MP photo in 1.2 s instead of 8.1 s, and
  // leaves the other core to the other steps. Only OMP_THREAD_LIMIT caps them, and OpenMP
  // reads it when the process starts: set it and start again (once; on failure, go on).
  // Only for the commands that run Tesseract: starting again loads the binary's shared
  // libraries a second time (0.1 s here), an eighth of inspecting 4,000 files.
  const bool tesseract =
      argc >= 2 && (std::strcmp(argv[1], "run") == 0 || std::strcmp(argv[1], "text") == 0 ||
                    std::strcmp(argv[1], "merge") == 0);
  if (tesseract && std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    setenv("OMP_THREAD_LIMIT", "1", 1);
    execv("/proc/self/exe", argv);
  }
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    PrintUsage(stdout);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("geoverify %s\n", GEOVERIFY_VERSION);
    return kExitOk;
  }
  for (const auto& c : kCommands) {
    if (std::string_view(argv[1]) == c.name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "geoverify: '%s' is not a command\n\n", argv[1]);
  PrintUsage(stderr);
  return kExitUsage;
}
