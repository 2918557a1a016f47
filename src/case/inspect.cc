#include "case/inspect.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "metadata/capture_time.h"
#include "metadata/checks.h"
#include "metadata/exiv2_reader.h"
#include "util/file.h"
#include "util/sha256.h"

namespace gv {

Status InspectOptions::Check() const {
  if (max_bytes == 0) return MakeError("max_bytes must be positive");
  if (threads < 0 || threads > 256) return MakeError("threads must be between 0 and 256");
  return OkStatus();
}

PhotoMetadata InspectFile(const std::filesystem::path& path, const InspectOptions& options,
                          std::vector<std::uint8_t>& buffer) {
  PhotoMetadata photo;
  photo.file = path.string();
  const auto info = StatFile(path);
  if (!info.ok()) {
    photo.error = info.error().message;
    return photo;
  }
  photo.bytes = info->bytes;
  const Status read = ReadFileBounded(path, options.max_bytes, buffer);
  if (!read.ok()) {
    // Too large to parse, but still evidence: hash it by streaming.
    if (info->regular) {
      if (auto hash = Sha256File(path); hash.ok()) photo.sha256 = *hash;
    }
    photo.error = read.error().message;
    return photo;
  }
  photo.bytes = buffer.size();
  photo.sha256 = Sha256Hex(buffer);
  if (Status st = ReadPhotoMetadata(buffer, photo); !st.ok()) {
    photo.error = st.error().message;
    return photo;
  }
  DeriveCaptureTime(photo, options.zones);
  RunMetadataChecks(photo, options.zones);
  return photo;
}

void InspectFiles(const std::vector<std::filesystem::path>& files, const InspectOptions& options,
                  const std::function<void(PhotoMetadata&&)>& sink) {
  InitializeMetadataLibrary();
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads =
      std::min<std::size_t>(options.threads > 0 ? static_cast<std::size_t>(options.threads) : hw,
                            std::max<std::size_t>(files.size(), 1));
  const std::size_t window = 16 * threads;  // results allowed to wait for the sink

  std::mutex mutex;
  std::condition_variable ready, room;
  std::map<std::size_t, PhotoMetadata> done;
  std::size_t next_task = 0, next_emit = 0;

  auto worker = [&] {
    std::vector<std::uint8_t> buffer;
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return next_task >= files.size() || next_task < next_emit + window; });
        if (next_task >= files.size()) return;
        index = next_task++;
      }
      PhotoMetadata photo = InspectFile(files[index], options, buffer);
      if (buffer.capacity() > (64u << 20)) std::vector<std::uint8_t>().swap(buffer);
      {
        std::lock_guard lock(mutex);
        done.emplace(index, std::move(photo));
      }
      ready.notify_one();
    }
  };
  std::vector<std::jthread> pool;
  for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);

  while (next_emit < files.size()) {
    PhotoMetadata photo;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return done.count(next_emit) > 0; });
      auto node = done.extract(next_emit);
      photo = std::move(node.mapped());
    }
    sink(std::move(photo));
    {
      std::lock_guard lock(mutex);
      ++next_emit;
    }
    room.notify_all();
  }
}

}  // namespace gv
