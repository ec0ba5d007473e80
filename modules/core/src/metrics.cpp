#include "tweed/core/metrics.hpp"
