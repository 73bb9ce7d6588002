"""What the actions on filed tickets share (actions/cek_status.py, beri_nilai.py,
buka_kembali.py, keterangan_form.py, tarik_laporan.py)."""
