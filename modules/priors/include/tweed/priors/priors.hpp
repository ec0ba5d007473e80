// Everything of the priors layer in one include.
#pragma once

#include "tweed/priors/box.hpp"
#include "tweed/priors/denoiser.hpp"
#include "tweed/priors/functions.hpp"
#include "tweed/priors/l1.hpp"
#include "tweed/priors/l2_ball.hpp"
#include "tweed/priors/magnitude.hpp"
#include "tweed/priors/prox.hpp"
#include "tweed/priors/rrof.hpp"
#include "tweed/priors/tv.hpp"
#include "tweed/priors/wavelet_l1.hpp"
