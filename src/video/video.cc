#include "video/video.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <opencv2/imgproc.hpp>

namespace gv {

std::optional<Iso6709> ParseIso6709(std::string_view text) {
  // One signed component: its integer digits say degrees (lat 2 / lon 3), degrees and
  // minutes (4 / 5) or degrees, minutes and seconds (6 / 7).
  std::size_t i = 0;
  const auto component = [&](int degree_digits, double& out) -> bool {
    if (i >= text.size() || (text[i] != '+' && text[i] != '-')) return false;
    const double sign = text[i] == '-' ? -1 : 1;
    const std::size_t start = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t int_digits = i - start;
    std::size_t end = i;
    if (end < text.size() && text[end] == '.') {
      ++end;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    }
    if (int_digits == 0 || end - start > 24) return false;
    const std::string number(text.substr(start, end - start));
    const double value = std::strtod(number.c_str(), nullptr);
    i = end;
    double degrees = 0;
    if (degree_digits == 0) {  // altitude: any number
      degrees = value;
    } else if (static_cast<int>(int_digits) == degree_digits) {
      degrees = value;
    } else if (static_cast<int>(int_digits) == degree_digits + 2) {
      const double whole = std::floor(value / 100);
      degrees = whole + (value - whole * 100) / 60;
    } else if (static_cast<int>(int_digits) == degree_digits + 4) {
      const double d = std::floor(value / 10000);
      const double m = std::floor((value - d * 10000) / 100);
      degrees = d + m / 60 + (value - d * 10000 - m * 100) / 3600;
    } else {
      return false;
    }
    out = sign * degrees;
    return std::isfinite(out);
  };
  Iso6709 p;
  if (!component(2, p.lat_deg) || !component(3, p.lon_deg)) return std::nullopt;
  double alt = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    if (!component(0, alt)) return std::nullopt;
    p.alt_m = alt;
  }
  if (std::abs(p.lat_deg) > 90 || std::abs(p.lon_deg) > 180) return std::nullopt;
  return p;
}

namespace {

void QuietLibav() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

struct MemoryReader {
  std::span<const std::uint8_t> bytes;
  std::int64_t pos = 0;
};

int ReadMemory(void* opaque, std::uint8_t* buf, int size) {
  auto* r = static_cast<MemoryReader*>(opaque);
  const std::int64_t left = static_cast<std::int64_t>(r->bytes.size()) - r->pos;
  if (left <= 0) return AVERROR_EOF;
  const int n = static_cast<int>(std::min<std::int64_t>(size, left));
  std::memcpy(buf, r->bytes.data() + r->pos, static_cast<std::size_t>(n));
  r->pos += n;
  return n;
}

std::int64_t SeekMemory(void* opaque, std::int64_t offset, int whence) {
  auto* r = static_cast<MemoryReader*>(opaque);
  const auto size = static_cast<std::int64_t>(r->bytes.size());
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return size;
  std::int64_t base = 0;
  if (whence == SEEK_CUR)
    base = r->pos;
  else if (whence == SEEK_END)
    base = size;
  else if (whence != SEEK_SET)
    return AVERROR(EINVAL);
  if (offset > size || offset < -size) return AVERROR(EINVAL);
  const std::int64_t target = base + offset;
  if (target < 0 || target > size) return AVERROR(EINVAL);
  r->pos = target;
  return target;
}

// A demuxer over bytes in memory, limited to the ISO-BMFF and Matroska demuxers.
class Container {
 public:
  explicit Container(std::span<const std::uint8_t> bytes) { reader_.bytes = bytes; }
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  ~Container() {
    avformat_close_input(&fmt_);
    if (io_) {
      av_freep(&io_->buffer);
      avio_context_free(&io_);
    }
  }

  Status Open() {
    QuietLibav();
    constexpr int kBuffer = 1 << 16;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kBuffer));
    if (!buffer) return MakeError("out of memory");
    io_ = avio_alloc_context(buffer, kBuffer, 0, &reader_, ReadMemory, nullptr, SeekMemory);
    if (!io_) {
      av_free(buffer);
      return MakeError("out of memory");
    }
    fmt_ = avformat_alloc_context();
    if (!fmt_) return MakeError("out of memory");
    fmt_->pb = io_;
    fmt_->flags |= AVFMT_FLAG_CUSTOM_IO;
    fmt_->format_whitelist = av_strdup("mov,mp4,m4a,3gp,3g2,mj2,matroska,webm");
    if (const int rc = avformat_open_input(&fmt_, nullptr, nullptr, nullptr); rc < 0) {
      fmt_ = nullptr;  // freed by avformat_open_input
      return MakeError("not a video container FFmpeg reads (" + AvError(rc) + ")");
    }
    if (const int rc = avformat_find_stream_info(fmt_, nullptr); rc < 0)
      return MakeError("cannot read the streams (" + AvError(rc) + ")");
    return OkStatus();
  }

  AVFormatContext* fmt() const { return fmt_; }

 private:
  MemoryReader reader_;
  AVIOContext* io_ = nullptr;
  AVFormatContext* fmt_ = nullptr;
};

std::string Tag(const AVDictionary* dict, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
  return e && e->value ? std::string(e->value) : std::string();
}

std::string FirstTag(const AVDictionary* dict, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (std::string v = Tag(dict, key); !v.empty()) return v;
  return {};
}

// The clockwise rotation that shows the stream upright, snapped to a quarter turn.
int RotationOf(const AVStream* st) {
  double ccw = 0;
  bool known = false;
  std::size_t size = 0;
  if (const std::uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
      matrix && size >= 9 * sizeof(std::int32_t)) {
    ccw = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
    known = std::isfinite(ccw);
  }
  if (!known) {
    if (const std::string rotate = Tag(st->metadata, "rotate"); !rotate.empty())
      return ((std::atoi(rotate.c_str()) % 360) + 360) % 360 / 90 * 90;
    return 0;
  }
  const long quarter = std::lround(-ccw / 90.0);
  return static_cast<int>(((quarter % 4) + 4) % 4) * 90;
}

std::string ContainerName(const AVFormatContext* fmt, std::span<const std::uint8_t> bytes) {
  const std::string demuxer = fmt->iformat ? fmt->iformat->name : "";
  if (demuxer.find("matroska") != std::string::npos) {
    // The EBML header's DocType, within its first bytes.
    const std::string head(reinterpret_cast<const char*>(bytes.data()),
                           std::min<std::size_t>(bytes.size(), 64));
    return head.find("webm") != std::string::npos ? "WebM" : "Matroska";
  }
  const std::string brand = Tag(fmt->metadata, "major_brand");
  if (brand.rfind("qt", 0) == 0) return "MOV";
  if (brand.rfind("3g", 0) == 0) return "3GP";
  if (!brand.empty()) return "MP4";
  return "MOV";  // a QuickTime file without 'ftyp'
}

std::optional<std::int64_t> ContainerUtc(const AVDictionary* dict) {
  const std::string text = Tag(dict, "creation_time");
  if (text.empty()) return std::nullopt;
  const auto t = ParseIso8601(text);
  if (!t) return std::nullopt;
  const std::int64_t utc = ToEpochSeconds(t->local) - t->offset_s.value_or(0);
  if (utc <= 0) return std::nullopt;  // zero in the container (1904 or 1970): not recorded
  return utc;
}

}  // namespace

Result<VideoInfo> ReadVideoInfo(std::span<const std::uint8_t> bytes, const VideoLimits& limits) {
  Container c(bytes);
  if (auto st = c.Open(); !st.ok()) return st.error();
  AVFormatContext* fmt = c.fmt();
  VideoInfo info;
  info.container = ContainerName(fmt, bytes);
  const int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  for (unsigned s = 0; s < fmt->nb_streams; ++s)
    info.has_audio = info.has_audio || fmt->streams[s]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
  if (index < 0 && !info.has_audio) return MakeError("neither a video nor an audio stream");
  info.has_video = index >= 0;
  const AVStream* st = fmt->streams[index >= 0 ? index : 0];
  info.codec = avcodec_get_name(st->codecpar->codec_id);
  if (info.has_video) {
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    info.rotation_deg = RotationOf(st);
    if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0)
      info.fps = av_q2d(st->avg_frame_rate);
  }
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  else if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
  if (info.duration_s > limits.max_duration_s)
    return MakeError("declared duration " + std::to_string(static_cast<long>(info.duration_s)) +
                     " s is beyond the limit");

  const AVDictionary* meta = fmt->metadata;
  for (const AVDictionaryEntry* e = nullptr;
       (e = av_dict_get(meta, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr;)
    info.tags.emplace_back(e->key, e->value ? e->value : "");
  for (const AVDictionaryEntry* e = nullptr;
       (e = av_dict_get(st->metadata, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr;)
    info.tags.emplace_back(std::string(info.has_video ? "video." : "audio.") + e->key,
                           e->value ? e->value : "");

  info.container_utc = ContainerUtc(meta);
  if (!info.container_utc) info.container_utc = ContainerUtc(st->metadata);
  if (const std::string apple = Tag(meta, "com.apple.quicktime.creationdate"); !apple.empty())
    info.apple_creation = ParseIso8601(apple);
  for (const char* key : {"com.apple.quicktime.location.ISO6709", "location", "location-eng"}) {
    if (const std::string text = Tag(meta, key); !text.empty()) {
      if (auto p = ParseIso6709(text)) {
        info.location = p;
        info.location_key = std::strcmp(key, "com.apple.quicktime.location.ISO6709") == 0
                                ? key
                                : "\xC2\xA9xyz";  // what the mov demuxer calls "location"
        break;
      }
    }
  }
  info.make = FirstTag(meta, {"com.apple.quicktime.make", "make", "com.android.manufacturer"});
  info.model = FirstTag(meta, {"com.apple.quicktime.model", "model", "com.android.model"});
  info.software = FirstTag(meta, {"com.apple.quicktime.software", "software"});
  if (info.software.empty())
    if (const std::string android = Tag(meta, "com.android.version"); !android.empty())
      info.software = "Android " + android;
  info.encoder = FirstTag(meta, {"encoder", "ENCODER"});
  if (info.encoder.empty()) info.encoder = Tag(st->metadata, "encoder");
  return info;
}

namespace {

// What a frame looks like, small: grey layout and a hue/saturation histogram.
struct Signature {
  cv::Mat grey;  // 64 x 36, CV_32F in 0..1
  cv::Mat hist;  // normalised
};

Signature Sign(const cv::Mat& bgr) {
  Signature s;
  cv::Mat small, grey, hsv;
  cv::resize(bgr, small, cv::Size(64, 36), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
  grey.convertTo(s.grey, CV_32F, 1.0 / 255);
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  const int channels[] = {0, 1};
  const int bins[] = {16, 4};
  const float hue[] = {0, 180}, sat[] = {0, 256};
  const float* ranges[] = {hue, sat};
  cv::calcHist(&hsv, 1, channels, cv::Mat(), s.hist, 2, bins, ranges);
  cv::normalize(s.hist, s.hist, 1, 0, cv::NORM_L1);
  return s;
}

double Change(const Signature& a, const Signature& b) {
  const double layout = std::min(
      1.0, 4.0 * cv::norm(a.grey, b.grey, cv::NORM_L1) / static_cast<double>(a.grey.total()));
  const double colour = cv::compareHist(a.hist, b.hist, cv::HISTCMP_BHATTACHARYYA);
  return std::clamp(0.5 * layout + 0.5 * colour, 0.0, 1.0);
}

cv::Mat Upright(cv::Mat bgr, int rotation_deg) {
  cv::Mat out;
  switch (rotation_deg) {
    case 90:
      cv::rotate(bgr, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    case 180:
      cv::rotate(bgr, out, cv::ROTATE_180);
      return out;
    case 270:
      cv::rotate(bgr, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    default:
      return bgr;
  }
}

struct Decoder {
  AVCodecContext* ctx = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* sws = nullptr;
  ~Decoder() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&ctx);
  }
};

// The keyframes kept so far: the first frame, and the strongest scene changes.
class Selection {
 public:
  explicit Selection(const KeyframeOptions& options) : options_(options) {}

  void Offer(double t, const cv::Mat& bgr_frame, int rotation_deg) {
    Signature sig = Sign(bgr_frame);
    double change = 1;
    if (last_) {
      change = Change(*last_, sig);
      if (change < options_.scene_threshold || t - last_t_ < options_.min_gap_s) return;
    }
    last_ = std::move(sig);
    last_t_ = t;
    Keyframe k{t, change, cv::Mat()};
    if (static_cast<int>(kept_.size()) < options_.max_frames) {
      k.bgr = Upright(bgr_frame.clone(), rotation_deg);
      kept_.push_back(std::move(k));
      return;
    }
    // Full: replace the weakest cut (never the first frame) by a stronger one.
    auto weakest =
        std::min_element(kept_.begin() + 1, kept_.end(),
                         [](const auto& a, const auto& b) { return a.change < b.change; });
    if (weakest == kept_.end() || weakest->change >= change) return;
    k.bgr = Upright(bgr_frame.clone(), rotation_deg);
    *weakest = std::move(k);
  }

  std::vector<Keyframe> Take() {
    std::sort(kept_.begin(), kept_.end(),
              [](const auto& a, const auto& b) { return a.offset_s < b.offset_s; });
    return std::move(kept_);
  }

 private:
  const KeyframeOptions& options_;
  std::optional<Signature> last_;
  double last_t_ = -1e9;
  std::vector<Keyframe> kept_;
};

// One decoding pass: the stream's keyframes only, or every frame sampled.
struct PassResult {
  std::vector<Keyframe> frames;
  int decoded = 0;
  double duration_s = 0;
  double last_t = 0;     // the latest frame time seen
  bool stopped = false;  // by the frame or time budget, before the end
};

Result<PassResult> DecodePass(std::span<const std::uint8_t> bytes, const KeyframeOptions& options,
                              bool key_only) {
  Container c(bytes);
  if (auto st = c.Open(); !st.ok()) return st.error();
  AVFormatContext* fmt = c.fmt();
  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (index < 0 || !codec) return MakeError("no video stream FFmpeg can decode");
  AVStream* st = fmt->streams[index];
  const std::int64_t pixels = static_cast<std::int64_t>(st->codecpar->width) * st->codecpar->height;
  if (st->codecpar->width <= 0 || st->codecpar->height <= 0)
    return MakeError("the video stream has no frame size");
  if (pixels > options.limits.max_pixels)
    return MakeError("frames of " + std::to_string(st->codecpar->width) + "x" +
                     std::to_string(st->codecpar->height) + " are beyond the pixel limit");
  const int rotation = RotationOf(st);
  Decoder d;
  d.ctx = avcodec_alloc_context3(codec);
  d.packet = av_packet_alloc();
  d.frame = av_frame_alloc();
  if (!d.ctx || !d.packet || !d.frame) return MakeError("out of memory");
  if (avcodec_parameters_to_context(d.ctx, st->codecpar) < 0)
    return MakeError("cannot set up the decoder");
  d.ctx->thread_count = 1;
  if (key_only) d.ctx->skip_frame = AVDISCARD_NONKEY;
  if (const int rc = avcodec_open2(d.ctx, codec, nullptr); rc < 0)
    return MakeError(std::string("cannot open the ") + codec->name + " decoder (" + AvError(rc) +
                     ")");
  PassResult result;
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    result.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  const double tb = av_q2d(st->time_base);
  const std::int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  Selection selection(options);
  double next_sample = 0;
  cv::Mat bgr;
  const auto take = [&]() -> Status {
    AVFrame* f = d.frame;
    ++result.decoded;
    double t = f->best_effort_timestamp != AV_NOPTS_VALUE
                   ? static_cast<double>(f->best_effort_timestamp - start) * tb
                   : 0;
    if (!std::isfinite(t) || t < 0) t = 0;
    result.last_t = std::max(result.last_t, t);
    if (!key_only && t < next_sample) return OkStatus();
    next_sample = t + options.sample_interval_s;
    if (f->width <= 0 || f->height <= 0 ||
        static_cast<std::int64_t>(f->width) * f->height > options.limits.max_pixels)
      return MakeError("a decoded frame is beyond the pixel limit");
    d.sws = sws_getCachedContext(d.sws, f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                 f->width, f->height, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr,
                                 nullptr, nullptr);
    if (!d.sws) return MakeError("cannot convert the frame's pixel format");
    bgr.create(f->height, f->width, CV_8UC3);
    std::uint8_t* dst[] = {bgr.data};
    const int dst_stride[] = {static_cast<int>(bgr.step)};
    sws_scale(d.sws, f->data, f->linesize, 0, f->height, dst, dst_stride);
    selection.Offer(t, bgr, rotation);
    return OkStatus();
  };
  const auto drain = [&]() -> Status {
    while (true) {
      const int rc = avcodec_receive_frame(d.ctx, d.frame);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
      if (rc < 0) return OkStatus();  // a damaged frame: go on with the next packets
      Status st = take();
      av_frame_unref(d.frame);
      if (!st.ok()) return st;
    }
  };
  const auto started = std::chrono::steady_clock::now();
  while (true) {
    if (result.decoded >= options.max_decoded_frames ||
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >
            options.max_decode_s) {
      result.stopped = true;
      break;
    }
    const int rc = av_read_frame(fmt, d.packet);
    if (rc < 0) break;  // end of file, or a damaged tail: keep what was decoded
    if (d.packet->stream_index == index && (!key_only || (d.packet->flags & AV_PKT_FLAG_KEY))) {
      // A packet the decoder refuses (damaged) is skipped; frames ready are taken either way.
      (void)avcodec_send_packet(d.ctx, d.packet);
      if (auto st = drain(); !st.ok()) {
        av_packet_unref(d.packet);
        return st.error();
      }
    }
    av_packet_unref(d.packet);
  }
  avcodec_send_packet(d.ctx, nullptr);
  if (auto st = drain(); !st.ok()) return st.error();
  result.frames = selection.Take();
  return result;
}

}  // namespace

Result<std::vector<Keyframe>> ExtractKeyframes(std::span<const std::uint8_t> bytes,
                                               const KeyframeOptions& options, KeyframeScan* scan) {
  if (options.max_frames < 1) return MakeError("max_frames must be at least 1");
  const auto started = std::chrono::steady_clock::now();
  auto keys = DecodePass(bytes, options, /*key_only=*/true);
  if (!keys.ok()) return keys.error();
  const auto report = [&](const PassResult& pass) {
    if (!scan) return;
    scan->duration_s = pass.duration_s;
    scan->examined_s = pass.stopped ? pass.last_t : pass.duration_s;
    scan->complete = !pass.stopped;
  };
  // Keyframes further apart than a few seconds may miss a cut: decode in full and sample,
  // with what is left of the time budget.
  const double duration = keys->duration_s;
  const bool coarse = keys->decoded == 0 || (duration > 2 * options.sample_interval_s &&
                                             duration / std::max(1, keys->decoded) > 2.5);
  if (!coarse || keys->stopped) {
    report(*keys);
    return std::move(keys->frames);
  }
  KeyframeOptions rest = options;
  rest.max_decode_s = std::max(
      0.5, options.max_decode_s -
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  auto all = DecodePass(bytes, rest, /*key_only=*/false);
  if (!all.ok() || all->frames.empty()) {
    report(*keys);
    if (!keys->frames.empty()) return std::move(keys->frames);
    if (!all.ok()) return all.error();
    return MakeError("no frame could be decoded");
  }
  report(*all);
  return std::move(all->frames);
}

}  // namespace gv
