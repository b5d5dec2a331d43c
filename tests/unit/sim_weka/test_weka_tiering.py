"""Tiering by policy: data goes to the object store after the tiering cue and leaves SSD after retention."""

from __future__ import annotations

from console.sim.weka_units import GIB, MIB, TIB


def test_tiering_moves_bytes_from_ssd_to_the_object_tier_over_time(sim, advance):
    # 100 GiB written before the bucket could take it: all on SSD, none on the object store yet.
    fs = sim.add_filesystem(
        "data",
        "fast",
        1 * TIB,
        ssd_bytes=200 * GIB,
        used_total_bytes=100 * GIB,
        used_ssd_bytes=100 * GIB,
        used_object_bytes=0,
        obs_bucket="obs-local",
    )
    history = [sim.filesystem(fs.uid)]
    for _ in range(10):
        advance(30)
        history.append(sim.filesystem(fs.uid))

    ssd = [f.used_ssd_bytes for f in history]
    obj = [f.used_object_bytes for f in history]
    assert ssd == sorted(ssd, reverse=True) and ssd[-1] < ssd[0]
    assert obj == sorted(obj) and obj[-1] > obj[0] == 0
    assert {f.used_total_bytes for f in history} == {100 * GIB}  # tiering moves data, it adds none
    # 300 s at the bucket's 100 MiB/s copied about 29 GiB.
    assert obj[-1] == 300 * 100 * MIB


def test_new_data_waits_for_the_tiering_cue_and_keeps_its_ssd_copy_for_the_retention(sim, advance):
    # Group `fast`: copied to the object store 5 s after it is written, SSD copy dropped after 60 s.
    fs = sim.add_filesystem(
        "data", "fast", 1 * TIB, ssd_bytes=200 * GIB, obs_bucket="obs-local", write_bytes_per_second=10 * MIB
    )
    advance(4)
    assert sim.filesystem(fs.uid).used_object_bytes == 0
    advance(16)
    sim.set_write_rate("data", 0)  # 200 MiB written in all
    assert sim.filesystem(fs.uid).used_object_bytes > 0

    advance(30)
    copied = sim.filesystem(fs.uid)
    assert copied.used_object_bytes == 200 * MIB  # all copied ...
    assert copied.used_ssd_bytes == 200 * MIB  # ... and still on SSD within the retention period
    advance(70)
    released = sim.filesystem(fs.uid)
    assert (released.used_ssd_bytes, released.used_object_bytes) == (0, 200 * MIB)
    assert released.used_total_bytes == 200 * MIB


def test_an_untiered_filesystem_keeps_everything_on_ssd(sim, advance):
    fs = sim.add_filesystem(
        "home", "fast", 1 * TIB, used_total_bytes=100 * GIB, write_bytes_per_second=10 * MIB
    )

    advance(120)

    after = sim.filesystem(fs.uid)
    assert after.used_total_bytes == 100 * GIB + 1200 * MIB  # it grows ...
    assert after.used_ssd_bytes == after.used_total_bytes  # ... on SSD only
    assert after.used_object_bytes == 0
    assert sim.cluster().latest.obs_upload_bytes_per_second == 0


def test_object_store_traffic_rises_while_data_is_demoted(sim, advance):
    sim.add_filesystem(
        "data",
        "fast",
        1 * TIB,
        ssd_bytes=200 * GIB,
        used_total_bytes=50 * GIB,
        used_ssd_bytes=50 * GIB,
        used_object_bytes=0,
        obs_bucket="obs-local",
    )

    advance(5)

    assert [s.obs_upload_bytes_per_second for s in sim.metrics(5)] == [100 * MIB] * 5


def test_a_full_tiered_ssd_releases_old_copies_early_so_writes_continue(sim, advance):
    # Group `default` keeps SSD copies a day; the SSD is nearly full of data already on the object store.
    fs = sim.add_filesystem(
        "data",
        "default",
        1 * TIB,
        ssd_bytes=10 * GIB,
        used_total_bytes=50 * GIB,
        used_ssd_bytes=9 * GIB,
        obs_bucket="obs-local",
        write_bytes_per_second=100 * MIB,
    )

    advance(60)

    after = sim.filesystem(fs.uid)
    assert after.used_total_bytes == 50 * GIB + 6000 * MIB
    assert after.used_ssd_bytes <= 0.95 * 10 * GIB + 100 * MIB


def test_detaching_the_bucket_brings_the_data_back_to_ssd(sim, admin, advance):
    fs = sim.add_filesystem(
        "data",
        "fast",
        100 * GIB,
        ssd_bytes=20 * GIB,
        used_total_bytes=30 * GIB,
        used_ssd_bytes=10 * GIB,
        obs_bucket="obs-local",
    )

    detaching = sim.set_filesystem_tiering(admin, fs.uid, None)

    assert not detaching.is_tiered
    assert detaching.ssd_budget_bytes == detaching.total_budget_bytes
    assert [t.type for t in sim.tasks()] == ["OBS_DETACH"]
    advance(250)  # 20 GiB come back at 100 MiB/s
    back = sim.filesystem(fs.uid)
    assert (back.used_ssd_bytes, back.used_object_bytes) == (30 * GIB, 0)
    assert sim.tasks() == []
    assert sim.events(1)[0].type == "ObjectStoreFinishedDetachingFromFilesystem"


def test_attaching_a_bucket_starts_tiering(sim, admin, advance):
    fs = sim.add_filesystem("home", "fast", 100 * GIB, used_total_bytes=10 * GIB)

    tiered = sim.set_filesystem_tiering(admin, fs.uid, "obs-local")
    advance(10)

    assert tiered.is_tiered
    assert sim.filesystem(fs.uid).used_object_bytes == 10 * 100 * MIB
