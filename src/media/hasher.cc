#include "media/hasher.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/env.h"

namespace tadamun::media {

StatusOr<ImageHashResult> HashImageBytes(std::string_view bytes, const HashOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(LumaImage image, DecodeToLuma(bytes, options.decode));
  ImageHashResult result;
  result.width = image.source_width;
  result.height = image.source_height;
  result.format = image.format;
  if (options.dihedral) {
    result.pdq = PdqDihedralFromLuma(image.luma.data(), image.rows, image.cols);
  } else {
    PdqResult r = PdqFromLuma(image.luma.data(), image.rows, image.cols);
    result.pdq.hashes[0] = r.hash;
    result.pdq.quality = r.quality;
  }
  return result;
}

StatusOr<ImageHashResult> HashImageFile(const std::string& path, const HashOptions& options) {
  StatusOr<std::string> bytes = Env::Default()->ReadFile(path, options.max_file_bytes);
  if (!bytes.ok()) return bytes.status();
  StatusOr<ImageHashResult> result = HashImageBytes(*bytes, options);
  if (!result.ok()) return result.status().WithPrefix(path);
  return result;
}

Status ListImageFiles(const std::vector<std::string>& paths, std::vector<std::string>* files) {
  namespace fs = std::filesystem;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(path + ": no such file or directory");
    if (!fs::is_directory(st)) {
      files->push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Status::PermissionDenied(path + ": cannot list directory: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Status::Unavailable(path + ": error while listing: " + ec.message());
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return Status::Ok();
}

void HashFiles(const std::vector<std::string>& files, const HashOptions& options, int threads,
               const std::function<void(const FileHash&)>& on_result) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(threads, std::max<size_t>(files.size(), 1)));
  std::vector<FileHash> slots(files.size());
  std::vector<char> done(files.size(), 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      FileHash fh;
      fh.index = i;
      fh.path = files[i];
      StatusOr<ImageHashResult> r = HashImageFile(files[i], options);
      if (r.ok()) {
        fh.result = *r;
      } else {
        fh.status = r.status();
      }
      std::lock_guard<std::mutex> lock(mu);
      slots[i] = std::move(fh);
      done[i] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) workers.emplace_back(work);
  for (size_t i = 0; i < files.size(); ++i) {
    FileHash fh;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done[i] != 0; });
      fh = std::move(slots[i]);
    }
    on_result(fh);
  }
  for (std::thread& t : workers) t.join();
}

}  // namespace tadamun::media
