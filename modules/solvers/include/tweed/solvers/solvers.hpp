// Everything of the solvers layer in one include.
#pragma once

#include "tweed/solvers/admm.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/cgls.hpp"
#include "tweed/solvers/csalsa.hpp"
#include "tweed/solvers/fista.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/pdhg.hpp"
#include "tweed/solvers/power.hpp"
#include "tweed/solvers/report.hpp"
#include "tweed/solvers/split_bregman.hpp"
