/* Experiment (issue 17, saves that scale): each "save" appends k rows in place to a chunked,
   extendable dataset, rewrites a note attribute of changing length and replaces a small
   run_state dataset, then writes a committed row count and flushes. Usage: append FILE [SAVES (20000)]. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  const char* path = argv[1];
  const hsize_t P = 100, k = 2;
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) {
    f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[2] = {0, P}, maxd[2] = {H5S_UNLIMITED, P}, chunk[2] = {1024, P};
    hid_t s = H5Screate_simple(2, dims, maxd);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(pl, 2, chunk);
    hid_t d = H5Dcreate2(f, "coords", H5T_IEEE_F64LE, s, H5P_DEFAULT, pl, H5P_DEFAULT);
    long long zero = 0;
    hid_t as = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(d, "committed", H5T_STD_I64LE, as, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &zero);
    H5Aclose(a); H5Sclose(as); H5Dclose(d); H5Pclose(pl); H5Sclose(s);
    H5Fflush(f, H5F_SCOPE_GLOBAL);
  }
  double* buf = malloc(sizeof(double) * k * P);
  const int saves = argc > 2 ? atoi(argv[2]) : 20000;
  for (int save = 0; save < saves; ++save) {
    hid_t d = H5Dopen2(f, "coords", H5P_DEFAULT);
    hid_t a = H5Aopen(d, "committed", H5P_DEFAULT);
    long long n;
    H5Aread(a, H5T_NATIVE_LLONG, &n);
    for (hsize_t i = 0; i < k * P; ++i) buf[i] = (double)(n + i / P);
    hsize_t nd[2] = {n + k, P};
    H5Dset_extent(d, nd);
    hid_t fs = H5Dget_space(d);
    hsize_t start[2] = {n, 0}, cnt[2] = {k, P};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
    hid_t ms = H5Screate_simple(2, cnt, NULL);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
    H5Dflush(d);
    n += k;
    /* a note whose length changes every save, and a run_state dataset replaced every save */
    {
      char note[4096];
      int len = 10 + (int)(n % 3000);
      for (int i = 0; i < len; ++i) note[i] = 'a' + (i % 26);
      note[len] = 0;
      hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
      if (H5Aexists(root, "note_run") > 0) H5Adelete(root, "note_run");
      hid_t st = H5Tcopy(H5T_C_S1);
      H5Tset_size(st, len + 1);
      hid_t as = H5Screate(H5S_SCALAR);
      hid_t na = H5Acreate2(root, "note_run", st, as, H5P_DEFAULT, H5P_DEFAULT);
      H5Awrite(na, st, note);
      H5Aclose(na); H5Sclose(as); H5Tclose(st);
      if (H5Lexists(root, "run_state", H5P_DEFAULT) > 0) H5Ldelete(root, "run_state", H5P_DEFAULT);
      hsize_t rd[1] = {(hsize_t)(100 + n % 500)};
      hid_t rs = H5Screate_simple(1, rd, NULL);
      hid_t rset = H5Dcreate2(root, "run_state", H5T_IEEE_F64LE, rs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(rset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      H5Dclose(rset); H5Sclose(rs); H5Gclose(root);
    }
    H5Awrite(a, H5T_NATIVE_LLONG, &n);
    H5Fflush(f, H5F_SCOPE_GLOBAL);
    H5Sclose(ms); H5Sclose(fs); H5Aclose(a); H5Dclose(d);
  }
  H5Fclose(f);
  return 0;
}
