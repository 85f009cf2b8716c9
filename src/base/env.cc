#include "base/env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tadamun {

Status ErrnoStatus(int err, std::string_view what, const std::string& path) {
  std::string m(what);
  m += ' ';
  m += path;
  m += ": ";
  m += std::strerror(err);
  switch (err) {
    case ENOENT: return Status::NotFound(std::move(m));
    case EACCES:
    case EPERM: return Status::PermissionDenied(std::move(m));
    case EEXIST: return Status::AlreadyExists(std::move(m));
    case ENOSPC:
    case EDQUOT:
    case EMFILE: return Status::ResourceExhausted(std::move(m));
    default: return Status::Unavailable(std::move(m));
  }
}

namespace {

std::string TooLarge(const std::string& path, uint64_t size, uint64_t max) {
  return "file " + path + " is " + std::to_string(size) + " bytes, over the limit of " +
         std::to_string(max) + " bytes";
}

class PosixEnv final : public Env {
 public:
  StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "cannot stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::InvalidArgument(path + " is a directory, not a file");
    }
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
      ::close(fd);
      return Status::ResourceExhausted(TooLarge(path, st.st_size, max_bytes));
    }
    std::string out;
    // 64 spare bytes: the JSON parser needs that much padding and can then use the text as is.
    if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size) + 64);
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return ErrnoStatus(err, "cannot read", path);
      }
      if (n == 0) break;
      if (out.size() + static_cast<size_t>(n) > max_bytes) {
        ::close(fd);
        return Status::ResourceExhausted("input " + path + " is over the limit of " +
                                         std::to_string(max_bytes) + " bytes");
      }
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) override {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return ErrnoStatus(errno, "cannot create", tmp);
    ::fchmod(fd, static_cast<mode_t>(mode));  // umask must not widen or narrow the mode
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return ErrnoStatus(err, "cannot write", tmp);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus(err, "cannot sync", tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus(err, "cannot rename onto", path);
    }
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return Status::Ok();
  }

  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  StatusOr<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "cannot stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  Status CreateDirs(const std::string& path, int mode) override {
    std::string partial;
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t next = path.find('/', pos);
      if (next == std::string::npos) next = path.size();
      partial = path.substr(0, next);
      pos = next + 1;
      if (partial.empty()) continue;
      if (::mkdir(partial.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
        return ErrnoStatus(errno, "cannot create folder", partial);
      }
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::FailedPrecondition(path + " exists and is not a folder");
    }
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (auto it = std::filesystem::directory_iterator(path, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return ErrnoStatus(ec.value(), "cannot list", path);
    std::sort(names.begin(), names.end());
    return names;
  }
};

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();
  return env;
}

StatusOr<std::string> MemEnv::ReadFile(const std::string& path, uint64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("cannot open " + path + ": no such file");
  if (it->second.size() > max_bytes) {
    return Status::ResourceExhausted(TooLarge(path, it->second.size(), max_bytes));
  }
  return it->second;
}

Status MemEnv::WriteFileAtomic(const std::string& path, std::string_view data, int mode) {
  std::lock_guard<std::mutex> lock(mu_);
  if (writes_fail_) return Status::Unavailable("cannot write " + path + ": injected fault");
  files_[path] = std::string(data);
  for (std::string dir = ParentOf(path); !dir.empty(); dir = ParentOf(dir)) dirs_.emplace(dir, 0755);
  return Status::Ok();
}

bool MemEnv::Exists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return files_.count(path) > 0 || dirs_.count(path) > 0;
}

StatusOr<uint64_t> MemEnv::FileSize(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("cannot stat " + path + ": no such file");
  return static_cast<uint64_t>(it->second.size());
}

Status MemEnv::CreateDirs(const std::string& path, int mode) {
  std::lock_guard<std::mutex> lock(mu_);
  if (writes_fail_) return Status::Unavailable("cannot create " + path + ": injected fault");
  for (std::string dir = path; !dir.empty(); dir = ParentOf(dir)) dirs_.emplace(dir, mode);
  return Status::Ok();
}

StatusOr<std::vector<std::string>> MemEnv::ListDir(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (dirs_.count(path) == 0) return Status::NotFound("cannot list " + path + ": no such folder");
  std::vector<std::string> names;
  std::string prefix = path + "/";
  auto add = [&](const std::string& p) {
    if (p.compare(0, prefix.size(), prefix) != 0) return;
    std::string rest = p.substr(prefix.size());
    if (rest.find('/') == std::string::npos && !rest.empty()) names.push_back(rest);
  };
  for (const auto& [p, _] : files_) add(p);
  for (const auto& [p, _] : dirs_) add(p);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void MemEnv::SetWritesFail(bool fail) {
  std::lock_guard<std::mutex> lock(mu_);
  writes_fail_ = fail;
}

}  // namespace tadamun
