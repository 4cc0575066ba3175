#include "resources_init.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void init_stormglass_resources() { Q_INIT_RESOURCE(resources); }

namespace sg::ui {

void init_resources() { init_stormglass_resources(); }

}  // namespace sg::ui
