#include "match/log_input.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace tadamun::match {
namespace {

constexpr int kMaxDirectoryDepth = 64;

Status OpenError(const std::string& path, int err) {
  std::string m = path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(m);
  if (err == EACCES || err == EPERM) return Status::PermissionDenied(m);
  return Status::Unavailable(m);
}

bool HasGzipMagic(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[2] = {0, 0};
  ssize_t n = ::pread(fd, magic, 2, 0);
  ::close(fd);
  return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

void Walk(const std::string& dir, int depth, std::set<std::pair<dev_t, ino_t>>* visited,
          std::vector<InputFile>* files, std::vector<InputProblem>* problems) {
  if (depth > kMaxDirectoryDepth) {
    problems->push_back({dir, Status::ResourceExhausted(dir + ": directories nested deeper than " +
                                                        std::to_string(kMaxDirectoryDepth) +
                                                        " levels; not swept")});
    return;
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    problems->push_back({dir, OpenError(dir, errno)});
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = dir + (dir.ends_with('/') ? "" : "/") + name;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      problems->push_back({path, OpenError(path, errno)});
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!visited->insert({st.st_dev, st.st_ino}).second) continue;  // link loop or seen
      Walk(path, depth + 1, visited, files, problems);
    } else if (S_ISREG(st.st_mode)) {
      files->push_back({path, static_cast<uint64_t>(st.st_size), HasGzipMagic(path)});
    }
    // Sockets, FIFOs and devices inside directories are not logs: passed over.
  }
}

}  // namespace

void ExpandInputs(const std::vector<std::string>& paths, std::vector<InputFile>* files,
                  std::vector<InputProblem>* problems) {
  std::set<std::pair<dev_t, ino_t>> visited;
  for (const std::string& path : paths) {
    if (path == "-") {
      files->push_back({"-", 0, false});
      continue;
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      problems->push_back({path, OpenError(path, errno)});
    } else if (S_ISDIR(st.st_mode)) {
      if (visited.insert({st.st_dev, st.st_ino}).second) Walk(path, 1, &visited, files, problems);
    } else if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
      // Named explicitly: pipes and /dev/stdin-like devices are read as streams.
      files->push_back({path, S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0,
                        S_ISREG(st.st_mode) && HasGzipMagic(path)});
    } else {
      problems->push_back({path, Status::InvalidArgument(path + ": not a regular file or directory")});
    }
  }
}

// zlib's inflate over the file descriptor, gzip members back to back (as `cat a.gz b.gz`).
struct LineReader::Inflater {
  z_stream zs{};
  std::vector<unsigned char> in;
  bool in_eof = false;
  bool finished = false;  // the last member ended cleanly and no input follows
  bool initialized = false;
  ~Inflater() {
    if (initialized) inflateEnd(&zs);
  }
};

LineReader::~LineReader() {
  if (own_fd_ && fd_ >= 0) ::close(fd_);
}

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                       const ReaderOptions& options,
                                                       uint64_t begin, uint64_t end) {
  std::unique_ptr<LineReader> r(new LineReader());
  r->path_ = path == "-" ? "(standard input)" : path;
  r->options_ = options;
  r->options_.block_bytes = std::max<size_t>(options.block_bytes, 4096);
  r->options_.max_line_bytes = std::max<size_t>(options.max_line_bytes, 1);
  r->end_ = end;
  if (path == "-") {
    r->fd_ = 0;
  } else {
    r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (r->fd_ < 0) return OpenError(path, errno);
    r->own_fd_ = true;
    struct stat st;
    if (::fstat(r->fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(path + ": is a directory");
    }
  }
  r->buf_.capacity = r->options_.block_bytes + r->options_.max_line_bytes + 2;
  r->buf_.bytes = std::make_unique_for_overwrite<char[]>(r->buf_.capacity);
  // Peek at the first bytes to tell gzip from plain text (works for pipes too: the bytes read
  // stay in the buffer or become the inflater's first input).
  if (begin == 0) {
    size_t got = 0;
    while (got < 2) {
      ssize_t n = ::read(r->fd_, r->buf_.data() + got, r->options_.block_bytes - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return OpenError(r->path_, errno);
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    if (got >= 2 && static_cast<unsigned char>(r->buf_[0]) == 0x1f &&
        static_cast<unsigned char>(r->buf_[1]) == 0x8b) {
      r->gzip_ = true;
      r->inflater_ = std::make_unique<Inflater>();
      Inflater& z = *r->inflater_;
      z.in.resize(size_t{1} << 20);
      std::memcpy(z.in.data(), r->buf_.data(), got);
      z.zs.next_in = z.in.data();
      z.zs.avail_in = static_cast<uInt>(got);
      if (inflateInit2(&z.zs, 15 + 32) != Z_OK) return Status::Internal("zlib inflateInit2 failed");
      z.initialized = true;
    } else {
      r->len_ = got;
      if (got == 0) r->eof_ = true;
    }
    if (end != UINT64_MAX && r->gzip_) {
      return Status::InvalidArgument(path + ": a byte range of a gzip file cannot be read");
    }
    return r;
  }
  // A range that starts inside the file: the line containing byte begin-1 belongs to the
  // previous range, so skip through the first '\n' at or after begin-1.
  if (::lseek(r->fd_, static_cast<off_t>(begin - 1), SEEK_SET) < 0) return OpenError(r->path_, errno);
  r->buf_offset_ = begin - 1;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(r->buf_.data() + r->pos_, '\n', r->len_ - r->pos_));
    if (nl != nullptr) {
      r->pos_ = static_cast<size_t>(nl - r->buf_.data()) + 1;
      break;
    }
    r->pos_ = r->len_;
    if (!r->Fill()) break;
  }
  r->start_ = r->consumed_ = r->buf_offset_ + r->pos_;
  return r;
}

size_t LineReader::ReadRaw(char* out, size_t want) {
  if (!gzip_) {
    for (;;) {
      ssize_t n = ::read(fd_, out, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status_ = Status::Unavailable(path_ + ": read error at byte " +
                                      std::to_string(buf_offset_ + len_) + ": " + std::strerror(errno));
        return 0;
      }
      return static_cast<size_t>(n);
    }
  }
  Inflater& z = *inflater_;
  z.zs.next_out = reinterpret_cast<unsigned char*>(out);
  z.zs.avail_out = static_cast<uInt>(want);
  while (z.zs.avail_out == want && !z.finished) {
    if (z.zs.avail_in == 0 && !z.in_eof) {
      ssize_t n;
      do {
        n = ::read(fd_, z.in.data(), z.in.size());
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        status_ = Status::Unavailable(path_ + ": read error: " + std::strerror(errno));
        return 0;
      }
      if (n == 0) z.in_eof = true;
      z.zs.next_in = z.in.data();
      z.zs.avail_in = static_cast<uInt>(n);
    }
    if (z.zs.avail_in == 0 && z.in_eof) {
      status_ = Status::DataLoss(path_ + ": truncated gzip stream: it ends after " +
                                 std::to_string(buf_offset_ + len_ + (want - z.zs.avail_out)) +
                                 " uncompressed bytes without its end marker");
      break;
    }
    int rc = inflate(&z.zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      // Another member may follow (concatenated gzip files).
      if (z.zs.avail_in == 0 && !z.in_eof) {
        ssize_t n;
        do {
          n = ::read(fd_, z.in.data(), z.in.size());
        } while (n < 0 && errno == EINTR);
        if (n <= 0) z.in_eof = true;
        z.zs.next_in = z.in.data();
        z.zs.avail_in = n > 0 ? static_cast<uInt>(n) : 0;
      }
      if (z.zs.avail_in == 0) {
        z.finished = true;
      } else {
        inflateReset(&z.zs);
      }
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status_ = Status::DataLoss(path_ + ": corrupt gzip data after " +
                                 std::to_string(buf_offset_ + len_ + (want - z.zs.avail_out)) +
                                 " uncompressed bytes: " + (z.zs.msg ? z.zs.msg : "inflate error"));
      break;
    }
  }
  return want - z.zs.avail_out;
}

bool LineReader::Fill() {
  if (!status_.ok()) eof_ = true;
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    buf_offset_ += pos_;
    len_ -= pos_;
    pos_ = 0;
  }
  size_t want = std::min(options_.block_bytes, buf_.size() - len_);
  size_t got = ReadRaw(buf_.data() + len_, want);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  len_ += got;
  return true;
}

bool LineReader::Next(LogLine* line) {
  uint64_t skip_start = 0;
  for (;;) {
    if (skipping_) {
      const char* nl = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', len_ - pos_));
      if (nl == nullptr) {
        pos_ = len_;
        if (Fill()) continue;
      } else {
        pos_ = static_cast<size_t>(nl - buf_.data()) + 1;
      }
      skipping_ = false;
      const uint64_t stop = nl ? buf_offset_ + pos_ - 1 : buf_offset_ + len_;
      *line = {std::string_view(), skip_start, stop - skip_start, true};
      consumed_ = buf_offset_ + pos_;
      return true;
    }
    const uint64_t at = buf_offset_ + pos_;
    if (at >= end_) return false;
    const char* begin = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', len_ - pos_));
    if (nl == nullptr && eof_ && !status_.ok()) return false;  // drop a cut-off last line
    if (nl != nullptr || (eof_ && pos_ < len_)) {
      const char* stop = nl ? nl : buf_.data() + len_;
      pos_ = static_cast<size_t>(stop - buf_.data()) + (nl ? 1 : 0);
      consumed_ = buf_offset_ + pos_;
      const size_t n = static_cast<size_t>(stop - begin);
      if (n > options_.max_line_bytes) {
        *line = {std::string_view(), at, n, true};
        return true;
      }
      std::string_view text(begin, n);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      *line = {text, at, n, false};
      return true;
    }
    if (len_ - pos_ > options_.max_line_bytes) {
      skipping_ = true;
      skip_start = at;
      pos_ = len_;
      if (!Fill()) {
        // Input ended inside the long line.
        skipping_ = false;
        *line = {std::string_view(), skip_start, buf_offset_ + len_ - skip_start, true};
        consumed_ = buf_offset_ + len_;
        return true;
      }
      continue;
    }
    if (!Fill() && pos_ >= len_) return false;
  }
}

}  // namespace tadamun::match
