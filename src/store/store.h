// The shared case store: case outputs of several units in one PostgreSQL/PostGIS database,
// where a new photo is checked against every earlier case a unit may read.
//
// Tables live in schema `gv` (photos, findings, clues, hypotheses, regions, footprints,
// place_groups, files, cross_case, under `cases`; `share` grants a case to a unit). Every row
// carries the unit (the PostgreSQL role) that pushed it, and row-level security lets a role
// read only its own cases and those shared with it. Units are login roles in the group role
// `geoverify_unit` (docs/commands/store.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.h"
#include "util/result.h"

namespace gv {

// A unit's name as geoverify accepts it for a PostgreSQL role (letters, digits, _ and -, at
// most 63): role names cannot be statement parameters, so only such names reach SQL.
bool ValidRoleName(const std::string& name);

// Creates (or completes) the schema, the policies and the group role; creates each of
// `units` as a login role in it. Needs a role that may create extensions and roles.
// Idempotent.
Status InitStore(PgConnection& db, const std::vector<std::string>& units = {});

struct CrossCaseMatch {
  std::string photo, sha256;  // of the case linked
  std::string other_case, other_unit, other_photo, other_sha256;
  // "hash": the same file, or the same picture by crop-tolerant pHash; "visual": the same
  // place in another photo, verified by matching the photos' local features.
  std::string match;
  int bits = 0;      // hash: perceptual-hash distance (0 for the same file); visual: -1
  int inliers = 0;   // visual: the verified matches
  double score = 0;  // hash: 1 - bits / 64; visual: the inlier ratio
};

struct StorePushOptions {
  std::string case_id;             // default: the case folder's name (run.json's case_dir)
  bool with_files = false;         // the evidence files' bytes too
  bool link = true;                // link the case to the others after pushing
  int max_bits = 10;               // perceptual-hash bits for a same-picture link
  double visual_radius_m = 25000;  // visual links: candidates placed this near
};

struct StorePushSummary {
  std::string case_id, unit;
  int photos = 0, findings = 0, clues = 0, hypotheses = 0, regions = 0, footprints = 0,
      place_groups = 0, files = 0, redacted_copies = 0;
  int hashed = 0;         // photos whose evidence was found and hashed for crop-tolerant matching
  int with_features = 0;  // ... and whose local features were stored (for visual links)
  int indexed = 0;        // ... and put in the visual index (query --photo)
  std::vector<CrossCaseMatch> links;
};

// Writes a `run` output folder into the store under one case id, in one transaction (the
// case's earlier rows are replaced: pushing twice keeps one case; a failure leaves the store
// as it was). Evidence bytes only with `with_files`; redacted copies made with
// `run --share` are pushed always (they are what may be shared).
Result<StorePushSummary> PushCase(PgConnection& db, const std::filesystem::path& out_dir,
                                  const StorePushOptions& options);

// For each photo of `case_id`, the photos of other cases the connected unit may read that
// show the same picture (same SHA-256, or crop-tolerant pHash within `max_bits`), or the
// same place otherwise (visual: among the photos placed within `visual_radius_m` of it, by
// GPS or their place group's three best hypotheses, those whose stored features match its
// own; 0 turns it off). Replaces the case's earlier links in the store.
Result<std::vector<CrossCaseMatch>> LinkCase(PgConnection& db, const std::string& case_id,
                                             int max_bits = 10, double visual_radius_m = 25000);

// Grants (or revokes) read access to a case the connected unit pushed.
Status ShareCase(PgConnection& db, const std::string& case_id, const std::string& unit,
                 bool revoke = false);

struct StoreHit {
  std::string case_id, unit;
  std::string kind;  // "photo" or "hypothesis"
  std::string photo, sha256;
  std::string match;  // "hash", "visual" or "near"
  double score = 0;   // hash: 1 - bits/64; visual: the inlier ratio; near: 1 - distance/radius
  std::optional<double> lat, lon, distance_m;
  int bits = -1;     // hash: the perceptual-hash distance
  int inliers = -1;  // visual: the verified feature matches
};

// Photos (their GPS) and hypotheses within `radius_m` of a point, nearest first.
Result<std::vector<StoreHit>> QueryNear(PgConnection& db, double lat, double lon, double radius_m);
// Photos whose evidence has this SHA-256.
Result<std::vector<StoreHit>> QueryHash(PgConnection& db, const std::string& sha256);
// Photos that show the picture in `file`: the same bytes, or crop-tolerant pHash within
// `max_bits` (match "hash"); then photos of the same place seen otherwise (match "visual"):
// the 20 the visual index ranks first, verified by matching local features (the file is
// opened read-only and decoded within the usual limits).
Result<std::vector<StoreHit>> QueryPhoto(PgConnection& db, const std::filesystem::path& file,
                                         int max_bits = 10);

struct StoreReindexSummary {
  bool trained = false;  // a new vocabulary was trained
  int version = 0, words = 0;
  int indexed = 0;  // photos given a signature now
  int stale = 0;    // readable photos left with another version's (others' rows: the owner's job)
};

// The visual index brought up to date: with `retrain` (or when the store has no vocabulary) a
// new vocabulary is trained on a sample of the readable photos' features; every photo the
// connected role may update that lacks a signature of the current vocabulary gets one. A
// unit updates its own photos; the store's owner, all.
Result<StoreReindexSummary> ReindexStore(PgConnection& db, bool retrain);

}  // namespace gv
