#include "scenario/input_error.h"

namespace sg {
namespace {

std::string compose(const std::string& source, const std::string& field, const std::string& value,
                    const std::string& problem) {
  std::string line;
  auto add = [&line](const std::string& part) {
    if (part.empty()) return;
    if (!line.empty()) line += ": ";
    line += part;
  };
  add(source);
  if (!field.empty()) add("field '" + field + "'");
  if (!value.empty()) add("value " + value);
  add(problem);
  // One line, whatever the parts held.
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line;
}

}  // namespace

InputError::InputError(std::string source, std::string field, std::string value,
                       std::string problem)
    : std::runtime_error(compose(source, field, value, problem)),
      source_(std::move(source)),
      field_(std::move(field)),
      value_(std::move(value)),
      problem_(std::move(problem)) {}

InputError InputError::with_source(std::string source) const {
  return InputError(std::move(source), field_, value_, problem_);
}

}  // namespace sg
