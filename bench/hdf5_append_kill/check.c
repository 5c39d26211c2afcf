/* Opens the file read-only, reads the committed count and the committed rows, checks values. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) { printf("UNREADABLE (H5Fopen fails)\n"); return 1; }
  hid_t d = H5Dopen2(f, "coords", H5P_DEFAULT);
  hid_t a = d < 0 ? -1 : H5Aopen(d, "committed", H5P_DEFAULT);
  long long n = -1;
  if (a < 0 || H5Aread(a, H5T_NATIVE_LLONG, &n) < 0) { printf("UNREADABLE (count)\n"); return 1; }
  hid_t fs = H5Dget_space(d);
  hsize_t dims[2];
  H5Sget_simple_extent_dims(fs, dims, NULL);
  if ((long long)dims[0] < n) { printf("BAD extent %llu < committed %lld\n", dims[0], n); return 1; }
  double* buf = malloc(sizeof(double) * (n ? n : 1) * dims[1]);
  hsize_t start[2] = {0, 0}, cnt[2] = {n, dims[1]};
  if (n > 0) {
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
    hid_t ms = H5Screate_simple(2, cnt, NULL);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0) { printf("UNREADABLE (rows)\n"); return 1; }
    for (long long i = 0; i < n; ++i) if (buf[i * dims[1]] != (double)i) { printf("BAD row %lld\n", i); return 1; }
  }
  printf("OK committed %lld extent %llu\n", n, dims[0]);
  return 0;
}
