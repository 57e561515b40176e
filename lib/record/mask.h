// Masking for what is printed — the one home of it for every tool: identity numbers
// (4301**********1234) and phone numbers (138****5678) in messages, reports, diffs and keys,
// unless the operator asks for --no-mask. The record stream and the store keep full numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace vetkit {

/// Masks a phone number: 138****5678; a landline keeps its area code and last 4 digits.
std::string maskPhone(std::string_view phone);

/// `text`, a value of `field`, as it may be shown: masked when `mask` and the field holds an
/// identity or phone number, else as it is.
std::string maskedValue(const Field& field, std::string_view text, bool mask);

/// Free text (a column the schema does not know) as it may be shown: each run of digits that
/// is an identity number (15 or 18 characters, last perhaps X) or a mobile number is masked.
std::string maskFreeText(std::string_view text);

/// A record key for a message: its components (split at `separator`) joined by `joiner`, each
/// identity-typed one masked when `mask`. With no `fields` the key is an identity number and
/// is masked whole (whatever its length: a mistyped 17-digit number is still one). A key whose
/// components do not match `fields` (a separator inside a value) is masked whole too, so that
/// a number can never slip out under another field's name.
std::string displayKey(std::string_view key, const std::vector<const Field*>& fields, bool mask,
                       char separator = '\x1f', char joiner = ',');

}  // namespace vetkit
