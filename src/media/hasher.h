// Hashing image files with PDQ: decode (image_decode.h) + hash core (pdq.h), one file or a
// batch on several threads.
//
// A batch never stops at a bad file: each file gets its own outcome (hash or error), and the
// caller decides what to report. Directories are walked recursively (symlinked directories are
// not followed); files are visited in byte-wise path order so output is reproducible.
//
// Thread-safety: all functions are safe to call concurrently. HashFiles runs `threads` workers
// and calls `on_result` on the calling thread, in input order.
//
//   media::HashOptions options;
//   std::vector<std::string> files;
//   TADAMUN_RETURN_IF_ERROR(media::ListImageFiles({"photos/"}, &files));
//   media::HashFiles(files, options, 2, [](const media::FileHash& f) {
//     if (f.status.ok()) std::cout << media::FormatHex(f.result.hashes[0]) << "\n";
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "media/image_decode.h"
#include "media/pdq.h"

namespace tadamun::media {

struct HashOptions {
  DecodeOptions decode;
  // Largest file read, in bytes; default 256 MiB.
  uint64_t max_file_bytes = uint64_t{256} << 20;
  // Also compute the seven other dihedral hashes (costs ~1% more).
  bool dihedral = false;
};

struct ImageHashResult {
  PdqDihedralResult pdq;  // hashes[0] is the image's hash; others set when options.dihedral
  int width = 0;          // source image size
  int height = 0;
  ImageFormat format = ImageFormat::kUnknown;

  const PdqHash& hash() const { return pdq.hashes[0]; }
  int quality() const { return pdq.quality; }
  // Quality below kPdqQualityThreshold: report the hash, do not match on it.
  bool low_quality() const { return pdq.quality < kPdqQualityThreshold; }
};

StatusOr<ImageHashResult> HashImageBytes(std::string_view bytes, const HashOptions& options);
// Errors name the file.
StatusOr<ImageHashResult> HashImageFile(const std::string& path, const HashOptions& options);

// Expands `paths` (files or directories) into the list of regular files to hash. A path that
// does not exist is NotFound. Directory entries are all regular files below it (any
// extension: formats are recognised by content).
Status ListImageFiles(const std::vector<std::string>& paths, std::vector<std::string>* files);

struct FileHash {
  size_t index = 0;  // position in the input list
  std::string path;
  Status status;     // OK, or why this file could not be hashed
  ImageHashResult result;  // valid when status.ok()
};

// Hashes every file with `threads` workers (0 = one per core). `on_result` is called on the
// calling thread for each file in input order, as soon as that file and all before it are done.
void HashFiles(const std::vector<std::string>& files, const HashOptions& options, int threads,
               const std::function<void(const FileHash&)>& on_result);

}  // namespace tadamun::media
