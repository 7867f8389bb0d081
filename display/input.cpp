#include "display/input.h"

#include <algorithm>

namespace tessera {

uint64_t InputHub::subscribe(Listener fn, bool absolute_pointer) {
    std::lock_guard lock(mu_);
    uint64_t id = next_id_++;
    listeners_.push_back({id, std::move(fn), absolute_pointer});
    return id;
}

void InputHub::unsubscribe(uint64_t id) {
    std::lock_guard lock(mu_);
    std::erase_if(listeners_, [id](const Sub& l) { return l.id == id; });
}

void InputHub::send(const InputEvent& e) {
    std::lock_guard lock(mu_);
    for (Sub& l : listeners_) l.fn(e);
}

void InputHub::send_report(const std::vector<InputEvent>& events) {
    std::lock_guard lock(mu_);  // one report is not interleaved with another sender's
    for (const InputEvent& e : events)
        for (Sub& l : listeners_) l.fn(e);
    for (Sub& l : listeners_) l.fn(InputEvent{InputKind::Sync});
}

bool InputHub::has_listeners() const {
    std::lock_guard lock(mu_);
    return !listeners_.empty();
}

bool InputHub::has_absolute_pointer() const {
    std::lock_guard lock(mu_);
    return std::any_of(listeners_.begin(), listeners_.end(), [](const Sub& l) { return l.absolute; });
}
}  // namespace tessera
