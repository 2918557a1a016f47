#include "support/make_video.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace gv::test {
namespace {

void Check(int rc, const char* what) {
  if (rc < 0) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(rc, buf, sizeof buf);
    throw std::runtime_error(std::string("MakeVideo: ") + what + ": " + buf);
  }
}

// A file of this process in the temp folder, for the muxer (which needs to seek).
std::filesystem::path TempFile(const std::string& extension) {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() / ("gv-media-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(counter++) + "." + extension);
}

// The packets `enc` has ready, written to stream `st` of `oc`.
void WritePackets(AVCodecContext* enc, AVFormatContext* oc, AVStream* st, AVPacket* packet) {
  while (true) {
    const int rc = avcodec_receive_packet(enc, packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    Check(rc, "encode");
    av_packet_rescale_ts(packet, enc->time_base, st->time_base);
    packet->stream_index = st->index;
    Check(av_interleaved_write_frame(oc, packet), "write");
  }
}

// The file's bytes; the file is removed.
std::vector<std::uint8_t> ReadAndRemove(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  in.close();
  std::filesystem::remove(path);
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> MakeVideo(const VideoSpec& spec) {
  if (spec.scenes.empty() && !(spec.draw && spec.frames > 0))
    throw std::runtime_error("MakeVideo: no scenes");
  const cv::Mat first = spec.scenes.empty() ? spec.draw(0) : spec.scenes.front().first;
  av_log_set_level(AV_LOG_QUIET);
  const auto path = TempFile(spec.muxer == "matroska" ? "mkv" : spec.muxer);
  const int width = first.cols, height = first.rows;

  AVFormatContext* oc = nullptr;
  Check(avformat_alloc_output_context2(&oc, nullptr, spec.muxer.c_str(), path.c_str()), "muxer");
  const AVCodec* codec = avcodec_find_encoder_by_name(spec.encoder.c_str());
  if (!codec) throw std::runtime_error("MakeVideo: no encoder " + spec.encoder);
  AVStream* st = avformat_new_stream(oc, nullptr);
  AVCodecContext* enc = avcodec_alloc_context3(codec);
  enc->width = width;
  enc->height = height;
  enc->time_base = {1, spec.fps};
  enc->framerate = {spec.fps, 1};
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->gop_size = spec.gop;
  enc->max_b_frames = 0;
  enc->bit_rate = spec.bit_rate;
  if (spec.encoder == "libx264") av_opt_set(enc->priv_data, "preset", "ultrafast", 0);
  if (spec.encoder == "libx265") {
    av_opt_set(enc->priv_data, "preset", "ultrafast", 0);
    av_opt_set(enc->priv_data, "x265-params", "log-level=error", 0);
  }
  if (spec.bitexact) enc->flags |= AV_CODEC_FLAG_BITEXACT;
  if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  Check(avcodec_open2(enc, codec, nullptr), "open encoder");
  Check(avcodec_parameters_from_context(st->codecpar, enc), "stream parameters");
  st->time_base = enc->time_base;
  if (spec.rotation_cw != 0) {
    auto* matrix = reinterpret_cast<std::int32_t*>(
        av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(std::int32_t)));
    av_display_rotation_set(matrix,
                            spec.rotation_cw);  // FFmpeg: clockwise here, counterclockwise in _get
  }
  for (const auto& [key, value] : spec.tags)
    av_dict_set(&oc->metadata, key.c_str(), value.c_str(), 0);
  if (spec.bitexact) oc->flags |= AVFMT_FLAG_BITEXACT;
  Check(avio_open(&oc->pb, path.c_str(), AVIO_FLAG_WRITE), "open output");
  AVDictionary* options = nullptr;
  if (spec.metadata_keys) av_dict_set(&options, "movflags", "use_metadata_tags", 0);
  Check(avformat_write_header(oc, &options), "header");
  av_dict_free(&options);

  SwsContext* sws = sws_getContext(width, height, AV_PIX_FMT_BGR24, width, height,
                                   AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
  AVFrame* frame = av_frame_alloc();
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = width;
  frame->height = height;
  Check(av_frame_get_buffer(frame, 0), "frame buffer");
  AVPacket* packet = av_packet_alloc();
  const auto drain = [&] { WritePackets(enc, oc, st, packet); };
  std::int64_t pts = 0;
  const auto encode = [&](const cv::Mat& picture) {
    if (picture.cols != width || picture.rows != height || picture.type() != CV_8UC3)
      throw std::runtime_error("MakeVideo: frames must be BGR of one size");
    const cv::Mat bgr = picture.isContinuous() ? picture : picture.clone();
    Check(av_frame_make_writable(frame), "writable");
    const std::uint8_t* src[] = {bgr.data};
    const int stride[] = {static_cast<int>(bgr.step)};
    sws_scale(sws, src, stride, 0, height, frame->data, frame->linesize);
    frame->pts = pts++;
    Check(avcodec_send_frame(enc, frame), "send frame");
    drain();
  };
  for (const auto& [picture, count] : spec.scenes) {
    for (int i = 0; i < count; ++i) {
      const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, i % 4, 0, 1, (i / 2) % 3);
      cv::Mat moved;
      cv::warpAffine(picture, moved, shift, picture.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
      encode(moved);
    }
  }
  if (spec.scenes.empty())
    for (int i = 0; i < spec.frames; ++i) encode(spec.draw(i));
  Check(avcodec_send_frame(enc, nullptr), "flush");
  drain();
  Check(av_write_trailer(oc), "trailer");
  avio_closep(&oc->pb);
  av_packet_free(&packet);
  av_frame_free(&frame);
  sws_freeContext(sws);
  avcodec_free_context(&enc);
  avformat_free_context(oc);
  return ReadAndRemove(path);
}

std::vector<std::uint8_t> MakeAudio(const std::string& muxer, double seconds) {
  av_log_set_level(AV_LOG_QUIET);
  const auto path = TempFile(muxer == "ipod" ? "m4a" : "mp4");
  AVFormatContext* oc = nullptr;
  Check(avformat_alloc_output_context2(&oc, nullptr, muxer.c_str(), path.c_str()), "muxer");
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) throw std::runtime_error("MakeAudio: no AAC encoder");
  AVStream* st = avformat_new_stream(oc, nullptr);
  AVCodecContext* enc = avcodec_alloc_context3(codec);
  enc->sample_rate = 16000;
  enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
  av_channel_layout_default(&enc->ch_layout, 1);
  enc->bit_rate = 32000;
  enc->time_base = {1, enc->sample_rate};
  if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  Check(avcodec_open2(enc, codec, nullptr), "open encoder");
  Check(avcodec_parameters_from_context(st->codecpar, enc), "stream parameters");
  st->time_base = enc->time_base;
  Check(avio_open(&oc->pb, path.c_str(), AVIO_FLAG_WRITE), "open output");
  Check(avformat_write_header(oc, nullptr), "header");
  AVFrame* frame = av_frame_alloc();
  frame->format = enc->sample_fmt;
  frame->nb_samples = enc->frame_size;
  frame->sample_rate = enc->sample_rate;
  Check(av_channel_layout_copy(&frame->ch_layout, &enc->ch_layout), "layout");
  Check(av_frame_get_buffer(frame, 0), "frame buffer");
  AVPacket* packet = av_packet_alloc();
  const auto drain = [&] { WritePackets(enc, oc, st, packet); };
  const int total = static_cast<int>(seconds * enc->sample_rate);
  for (int done = 0; done < total; done += enc->frame_size) {
    Check(av_frame_make_writable(frame), "writable");
    auto* samples = reinterpret_cast<float*>(frame->data[0]);
    for (int k = 0; k < enc->frame_size; ++k)
      samples[k] =
          0.2f * static_cast<float>(std::sin(2 * 3.14159265 * 440 * (done + k) / enc->sample_rate));
    frame->pts = done;
    Check(avcodec_send_frame(enc, frame), "send frame");
    drain();
  }
  Check(avcodec_send_frame(enc, nullptr), "flush");
  drain();
  Check(av_write_trailer(oc), "trailer");
  avio_closep(&oc->pb);
  av_packet_free(&packet);
  av_frame_free(&frame);
  avcodec_free_context(&enc);
  avformat_free_context(oc);
  return ReadAndRemove(path);
}

}  // namespace gv::test
