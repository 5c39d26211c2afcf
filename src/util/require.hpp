#pragma once
/// Private: the checks behind the options structs' validate() and other argument checks.

#include <stdexcept>
#include <string>

namespace lossland::detail {

/// Throws std::invalid_argument(message) unless `ok`.
inline void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

/// The field check of one options struct: `check(ok, "field", "in (0, 1]")` throws
/// std::invalid_argument("Owner.field: must be in (0, 1]") unless `ok`.
class FieldCheck {
 public:
  explicit FieldCheck(const char* owner) : owner_(owner) {}
  void operator()(bool ok, const char* field, const std::string& range) const {
    if (!ok) throw std::invalid_argument(std::string(owner_) + "." + field + ": must be " + range);
  }

 private:
  const char* owner_;
};

}  // namespace lossland::detail
