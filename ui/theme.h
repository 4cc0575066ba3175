/// Light and dark looks, for a system without a theme of its own or a talk on a projector.
#pragma once

#include <QString>

namespace sg::ui {

/// Applies "light", "dark" or "system" (leave the platform's palette). Returns
/// false for an unknown name.
bool apply_theme(const QString& name);

}  // namespace sg::ui
