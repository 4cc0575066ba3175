/// Writing a file so that readers see the old content or the new, never half of it.
#pragma once

#include <string>

namespace sg {

/// Writes `content` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`. Throws std::runtime_error naming the file on failure,
/// leaving any previous file untouched.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace sg
