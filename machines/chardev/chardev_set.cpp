#include "machines/chardev/chardev_set.h"

#include "machines/chardev/chardev_stream.h"
#include "util/error.h"

namespace tessera {

ChardevSet::ChardevSet(const MachineConfig& cfg) {
    for (const ChardevConfig& c : cfg.chardevs) {
        Entry e;
        if (c.backend == "null") {
            e.chr = std::make_unique<NullChardev>(c.id);
        } else {
            auto s = std::make_unique<StreamChardev>(c);
            if (c.backend == "stdio") stdio_ = s.get();
            e.chr = std::move(s);
        }
        chardevs_.push_back(std::move(e));
    }
}

ChardevSet::~ChardevSet() = default;

Chardev* ChardevSet::find(const std::string& id) {
    for (Entry& e : chardevs_)
        if (e.chr->id() == id) return e.chr.get();
    return nullptr;
}

Chardev& ChardevSet::claim(const std::string& id, const std::string& user) {
    for (Entry& e : chardevs_) {
        if (e.chr->id() != id) continue;
        if (!e.user.empty()) throw ConfigError{user + ": chardev '" + id + "' is already in use by " + e.user};
        e.user = user;
        return *e.chr;
    }
    throw ConfigError{user + ": no -chardev with id '" + id + "'"};
}

void ChardevSet::start(const std::function<bool()>& stop) {
    for (Entry& e : chardevs_) e.chr->start(stop);
}

}  // namespace tessera

namespace tessera {

void ChardevSet::stop() {
    for (Entry& e : chardevs_) e.chr->stop();
}

}  // namespace tessera
