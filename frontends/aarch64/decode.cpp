// The A64 decoder: the groups' tables joined, looked up through buckets.
#include <stdexcept>
#include <string>
#include <vector>

#include "frontends/aarch64/decode.h"

namespace tessera::aarch64 {

std::span<const Pattern> patterns() {
    static const std::vector<Pattern> all = [] {
        std::vector<Pattern> v;
        for (auto group : {kBranchPatterns, kSystemPatterns, kDataPatterns, kLoadStorePatterns, kLoadStoreSimdPatterns,
                           kSimdPatterns, kSimdFpPatterns, kFpPatterns})
            v.insert(v.end(), group.begin(), group.end());
        for (size_t i = 0; i < v.size(); i++)
            for (size_t j = i + 1; j < v.size(); j++)
                if (!decode::may_precede(v[i], v[j]))
                    throw std::logic_error(std::string("A64 decode tables overlap: ") + v[i].name + " and " + v[j].name);
        return v;
    }();
    return all;
}

const Pattern* decode(uint32_t insn) {
    static const decode::BucketDecoder<Pattern> buckets{patterns()};
    return buckets.find(insn);
}

}  // namespace tessera::aarch64
