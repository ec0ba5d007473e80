#include "tweed/core/fft.hpp"
