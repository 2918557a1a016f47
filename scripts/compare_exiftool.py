#!/usr/bin/env python3
"""Field agreement between `geoverify inspect --json` and `exiftool -json -n` output.

Usage: compare_exiftool.py GEOVERIFY.json EXIFTOOL.json [--sha256-of-files]
Prints one line per disagreement and a summary; exit code 1 if any field disagrees.
"""
import hashlib
import json
import os
import sys

TOL = 1e-6


def exif_date(s):
    """'2008:10:22 16:28:39' -> '2008-10-22T16:28:39' (exiftool's DateTimeOriginal)."""
    if not isinstance(s, str) or len(s) < 19 or s.startswith("0000"):
        return None
    return s[0:4] + "-" + s[5:7] + "-" + s[8:10] + "T" + s[11:19]


def main():
    gv = json.load(open(sys.argv[1]))
    et = json.load(open(sys.argv[2]))
    check_hash = "--sha256-of-files" in sys.argv
    by_file = {os.path.realpath(e["SourceFile"]): e for e in et}
    fields = 0
    bad = []
    for g in gv:
        e = by_file.get(os.path.realpath(g["file"]))
        if e is None and g.get("error") and g.get("format") == "unknown":
            continue  # not an image: exiftool -r skips it, geoverify reports an error entry
        if e is None:
            bad.append((g["file"], "file", "missing in exiftool output", ""))
            continue
        def cmp(name, ours, theirs, numeric=False):
            nonlocal fields
            fields += 1
            if numeric and ours is not None and theirs is not None:
                ok = abs(float(ours) - float(theirs)) <= TOL
            else:
                ok = ours == theirs
            if not ok:
                bad.append((g["file"], name, ours, theirs))
        if e.get("FileType") not in ("JPEG", "PNG", "TIFF", "WEBP"):
            continue
        cmp("make", g["make"], (e.get("Make") or "").strip() or None)
        cmp("model", g["model"], (e.get("Model") or "").strip() or None)
        cmp("width", g["width"], e.get("ImageWidth"))
        cmp("height", g["height"], e.get("ImageHeight"))
        cmp("orientation", g["orientation"], e.get("Orientation"))
        cmp("datetime_original", g["datetime_original"], exif_date(e.get("DateTimeOriginal")))
        gps = g.get("gps") or {}
        cmp("gps.lat", gps.get("lat"), e.get("GPSLatitude"), numeric=True)
        cmp("gps.lon", gps.get("lon"), e.get("GPSLongitude"), numeric=True)
        cmp("gps.alt_m", gps.get("alt_m"), e.get("GPSAltitude"), numeric=True)
        if check_hash:
            with open(g["file"], "rb") as f:
                cmp("sha256", g["sha256"], hashlib.sha256(f.read()).hexdigest())
    for f, name, ours, theirs in bad:
        print(f"DIFF {f}: {name}: geoverify={ours!r} exiftool={theirs!r}")
    print(f"agreement: {fields - len(bad)}/{fields} fields agree over {len(gv)} files")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
