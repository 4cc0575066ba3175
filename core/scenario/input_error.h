/// The error raised for bad input: it names the source, the field and the value.
#pragma once

#include <stdexcept>
#include <string>

namespace sg {

/// Bad input, refused before any computation starts. `what()` is one line:
/// "SOURCE: field 'FIELD': value VALUE: PROBLEM" (parts left empty are omitted).
class InputError : public std::runtime_error {
public:
  InputError(std::string source, std::string field, std::string value, std::string problem);

  const std::string& source() const { return source_; }
  const std::string& field() const { return field_; }
  const std::string& value() const { return value_; }
  const std::string& problem() const { return problem_; }

  /// The same error attributed to another source (a file name, an option).
  InputError with_source(std::string source) const;

private:
  std::string source_, field_, value_, problem_;
};

}  // namespace sg
