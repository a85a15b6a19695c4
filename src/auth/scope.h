// Token scopes of the Docker token specification ("repository:library/app:pull,push"): parsing
// what a client asks for, and the WWW-Authenticate challenge that tells it what to ask.
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.h"

namespace berth {

// One resource scope; a `scope` parameter may hold several separated by spaces. The name may
// itself hold a ':' (a registry host's port), so the type ends at the first ':' and the
// actions begin after the last. nullopt when it does not follow the grammar.
std::optional<AccessEntry> ParseScope(std::string_view scope);

// Every resource scope of a `scope` parameter; the malformed ones are skipped, since the
// token service grants what it can rather than failing a request for asking too much.
std::vector<AccessEntry> ParseScopes(std::string_view scope_parameter);

// `Bearer realm="<realm>",service="<service>"[,scope="<scope>"]`.
std::string BearerChallenge(std::string_view realm, std::string_view service,
                            std::string_view scope = {});

}  // namespace berth
