#pragma once
/// Private: a timer that lets an action (a save of the database, a progress line) run at most
/// once per interval, shared by the long runs (bh, connect, survey).

#include <chrono>

namespace lossland::detail {

class Throttle {
 public:
  /// `interval_seconds` > 0 between two due() calls that return true. With `first_due` the first
  /// due() is true whatever the time (the first save comes after the first round); without, the
  /// interval counts from construction.
  explicit Throttle(double interval_seconds, bool first_due = true)
      : interval_(interval_seconds), first_(first_due), last_(Clock::now()) {}

  /// True when the action should run now: on the first call (with first_due) or once the
  /// interval has passed since the last true; the interval then restarts from this call.
  bool due() {
    const auto now = Clock::now();
    if (!first_ && std::chrono::duration<double>(now - last_).count() < interval_) return false;
    first_ = false;
    last_ = now;
    return true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  double interval_;
  bool first_;
  Clock::time_point last_;
};

}  // namespace lossland::detail
