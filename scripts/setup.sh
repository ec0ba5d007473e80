#!/usr/bin/env bash
# Installs the Debian 12 packages Tweed needs, if any are missing. Idempotent: a second run with
# everything present touches nothing and costs a second.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libfftw3-dev libhdf5-openmpi-dev libhdf5-dev hdf5-tools libopenmpi-dev openmpi-bin
  petsc-dev libinsighttoolkit5-dev libtorch-dev libismrmrd-dev ismrmrd-tools
  libeigen3-dev libcli11-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpng-dev zlib1g-dev libssl-dev
  python3-h5py python3-numpy python3-nibabel python3-pydicom python3-scipy python3-skimage python3-torch bart
  hyperfine
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "setup: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q
$sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
