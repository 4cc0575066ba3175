#include "io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace sg {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int error) {
  throw std::runtime_error(path + ": cannot " + what + ": " + std::strerror(error));
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  // open() with O_EXCL, unlike mkstemp, gives the file the usual mode (0666
  // less the umask), as any other file the user saves.
  static std::atomic<unsigned> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int error = errno;
    std::error_code ignored;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ignored))
      throw std::runtime_error(path + ": cannot write: the directory " + parent.string() + " does not exist");
    fail(path, "create a temporary file beside it", error);
  }
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      fail(path, "write", error);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  int sync_error = ::fsync(fd) != 0 ? errno : 0;
  int close_error = ::close(fd) != 0 ? errno : 0;
  if (sync_error != 0 || close_error != 0) {
    ::unlink(temp.c_str());
    fail(path, "flush", sync_error != 0 ? sync_error : close_error);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    fail(path, "replace", error);
  }
}

}  // namespace sg
