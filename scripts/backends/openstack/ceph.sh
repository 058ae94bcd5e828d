# shellcheck shell=bash
# Sourced by scripts/backends/openstack.sh: the volume backend behind Cinder.
#
# Why Ceph and not LVM: the usual single-node Cinder is LVM on a loop file, exported over iSCSI.
# This machine kind's kernel (booted with "nomodule") has no device-mapper: /proc/misc has no
# device-mapper entry and no module can be loaded. pvcreate and vgcreate on a loop device work
# (they only write metadata), but every lvcreate fails with
#   /dev/mapper/control: open failed: No such device
#   Failure to communicate with kernel device-mapper driver.
#   striped: Required device-mapper target(s) not detected in your kernel.
# and there is no configfs for LIO (lioadm) either. Ceph needs none of that: one monitor, one
# manager and one OSD whose BlueStore device is a sparse file, all user space, and Cinder's RBD
# driver talks to them through librbd. Volumes are real RBD images (create, delete, extend,
# snapshot, attach metadata), with no kernel client and no iSCSI.
#
# The manager is needed too: without it "ceph df" lists no pools, and Cinder's RBD driver then
# cannot report its capacity, so the scheduler never places a volume.

CEPH_STATE=$STATE_DIR/ceph
CEPH_OSD_DIR=/var/lib/ceph/osd/ceph-0
CEPH_MON_DIR=/var/lib/ceph/mon/ceph-a
CEPH_MGR_DIR=/var/lib/ceph/mgr/ceph-a

ceph_running() { is_running ceph-mon && is_running ceph-mgr && is_running ceph-osd; }

# The cluster's id and the libvirt secret id nova would use for RBD disks: made once, kept in
# the state directory so that rewriting ceph.conf never changes them under the monitor.
ceph_ids() {
  install -d -m 0700 "$CEPH_STATE"
  [[ -s $CEPH_STATE/fsid ]] || uuidgen >"$CEPH_STATE/fsid"
  [[ -s $CEPH_STATE/secret-uuid ]] || uuidgen >"$CEPH_STATE/secret-uuid"
  CEPH_FSID=$(<"$CEPH_STATE/fsid")
  # shellcheck disable=SC2034 # read by write_cinder_config (config.sh)
  CEPH_SECRET_UUID=$(<"$CEPH_STATE/secret-uuid")
}

write_ceph_config() {
  # A single OSD: one copy of everything, and no health warning about it. The OSD's BlueStore
  # device is a sparse file of $CEPH_SIZE_GB GiB created by mkfs; it takes only what is written.
  write_file /etc/ceph/ceph.conf 0644 root:root <<EOF
[global]
fsid = $CEPH_FSID
mon_host = $HOST
public_network = $HOST/32
auth_allow_insecure_global_id_reclaim = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
log_file = /var/log/ceph/\$cluster-\$name.log
admin_socket = /run/ceph/\$cluster-\$name.asok
[osd]
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = $((CEPH_SIZE_GB * 1024 * 1024 * 1024))
osd_memory_target = 1073741824
EOF
}

# Monitor, manager and OSD, made once. A half-made cluster (no fsid in our state, or a monitor
# without its OSD) is a test cluster that can be thrown away and made again.
ceph_bootstrap() {
  install -d -o ceph -g ceph /var/log/ceph /run/ceph
  if [[ -f $CEPH_MON_DIR/done && -f $CEPH_OSD_DIR/ready && -f $CEPH_STATE/pool ]]; then return 0; fi
  log "making a one-OSD Ceph cluster ($CEPH_SIZE_GB GiB sparse file)"
  ceph_stop
  rm -rf "$CEPH_MON_DIR" "$CEPH_OSD_DIR" "$CEPH_MGR_DIR" "$CEPH_STATE/pool"
  local tmp; tmp=$(mktemp -d)
  quiet ceph-authtool --create-keyring "$tmp/mon.keyring" --gen-key -n mon. --cap mon 'allow *'
  quiet ceph-authtool --create-keyring /etc/ceph/ceph.client.admin.keyring --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *'
  quiet ceph-authtool "$tmp/mon.keyring" --import-keyring /etc/ceph/ceph.client.admin.keyring
  quiet monmaptool --create --addv a "[v2:$HOST:3300,v1:$HOST:6789]" --fsid "$CEPH_FSID" "$tmp/monmap"
  install -d -o ceph -g ceph "$CEPH_MON_DIR" "$CEPH_MGR_DIR"
  chown -R ceph:ceph "$tmp"
  quiet ceph-mon --mkfs -i a --monmap "$tmp/monmap" --keyring "$tmp/mon.keyring" --setuser ceph --setgroup ceph
  touch "$CEPH_MON_DIR/done"
  rm -rf "$tmp"
  ceph_start_mon

  # The OSD gets its key from "osd new" (no bootstrap-osd keyring, no ceph-volume: that one
  # wants LVM, which is what this machine lacks).
  local uuid secret id
  uuid=$(uuidgen); secret=$(ceph-authtool --gen-print-key)
  id=$(printf '{"cephx_secret": "%s"}' "$secret" | ceph osd new "$uuid" -i -)
  [[ $id == 0 ]] || die "the new OSD got id $id, expected 0: /var/lib/ceph was not empty"
  install -d -o ceph -g ceph "$CEPH_OSD_DIR"
  quiet ceph-authtool --create-keyring "$CEPH_OSD_DIR/keyring" --name osd.0 --add-key "$secret"
  chown -R ceph:ceph "$CEPH_OSD_DIR"
  quiet ceph-osd -i 0 --mkfs --osd-uuid "$uuid" --setuser ceph --setgroup ceph

  quiet ceph auth get-or-create mgr.a mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o "$CEPH_MGR_DIR/keyring"
  chown -R ceph:ceph "$CEPH_MGR_DIR"
  ceph_start
  quiet ceph osd pool create volumes 32
  quiet timeout 120 rbd pool init volumes
  touch "$CEPH_STATE/pool"
}

ceph_client_key() {
  # Cinder reads and writes its pool and nothing else.
  local keyring=/etc/ceph/ceph.client.cinder.keyring
  [[ -s $keyring ]] && return 0
  quiet ceph auth get-or-create client.cinder mon 'profile rbd' osd 'profile rbd pool=volumes' \
    mgr 'profile rbd pool=volumes' -o "$keyring"
  chown cinder:cinder "$keyring"; chmod 0640 "$keyring"
}

# Started as root: they drop to the ceph user themselves (--setuser), after opening what needs root.
ceph_start_mon() {
  is_running ceph-mon && return 0
  daemon ceph-mon root /var/log/ceph/ceph-mon.a.out /usr/bin/ceph-mon -f -i a --setuser ceph --setgroup ceph
  quiet timeout 60 ceph -s --connect-timeout 60
}

ceph_start() {
  install -d -o ceph -g ceph /var/log/ceph /run/ceph
  ceph_start_mon
  daemon ceph-mgr root /var/log/ceph/ceph-mgr.a.out /usr/bin/ceph-mgr -f -i a --setuser ceph --setgroup ceph
  daemon ceph-osd root /var/log/ceph/ceph-osd.0.out /usr/bin/ceph-osd -f -i 0 --setuser ceph --setgroup ceph
}

ceph_stop() { stop_services ceph-osd ceph-mgr; stop_services ceph-mon; }
