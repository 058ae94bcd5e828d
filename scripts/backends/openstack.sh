#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The test OpenStack that Maestro's OpenStack driver tests run against: a real single-node
# OpenStack Zed from Debian 12's packages, listening on 127.0.0.1 only, no systemd, no VM.
#
#   keystone     http://127.0.0.1:5000/v3   v3 password and application-credential auth
#   nova         http://127.0.0.1:8774/v2.1 with the in-memory fake virt driver (host fake-compute-1):
#                                           boot, stop/start, reboot, resize, delete all go through
#                                           the real API, scheduler, placement, neutron and database
#   placement    http://127.0.0.1:8778
#   glance       http://127.0.0.1:9292      images stored as files
#   neutron      http://127.0.0.1:9696      ML2/OVN; no ovn-controller, so ports bind but stay DOWN
#                                           and routers / floating IPs exist at the API level only
#   cinder       http://127.0.0.1:8776/v3/<project>   RBD driver on a one-OSD Ceph whose disk is a
#                                           sparse file (LVM cannot work here: see openstack/ceph.sh)
#
# What the tests may rely on once this exits 0:
#   region RegionOne, domain Default; admin/admin (project admin), demo/demo (project demo)
#   flavors m1.tiny (1 vCPU, 512 MiB, 1 GB) and m1.small (1 vCPU, 2 GiB, 20 GB); public image
#   fake-image; external network "public" with subnet 203.0.113.0/24
#   an application credential "maestro-test" of demo (project demo)
#   demo's quotas: 50 servers, 100 cores, 200 GiB RAM, 500 ports, 50 volumes (a benchmark boots 20)
#   /etc/openstack/clouds.yaml: clouds devstack-admin, devstack, maestro-test-appcred
#   /etc/openstack/maestro-test.json: "password", "applicationCredential" and "admin" region
#     settings in the driver's own format (src/clouds/openstack/config.ts), the resource names
#     above, whether block storage is there, and where nova's notifications go
#   nova's versioned notifications on RabbitMQ vhost "openstack" (user openstack/openstack),
#     exchange nova, queue versioned_notifications.info (capped at 10000 messages)
#
# Usage, as root (every form is idempotent):
#   scripts/backends/openstack.sh [up]   install what is missing, configure, start, provision
#   scripts/backends/openstack.sh start  start what is not running (no install, no configure)
#   scripts/backends/openstack.sh stop   stop every process this script starts
#   scripts/backends/openstack.sh status what runs, then the smoke check
#   scripts/backends/openstack.sh reset  stop, and forget all OpenStack and Ceph data (packages stay)
# MAESTRO_OPENSTACK_CINDER=0 leaves Cinder and Ceph out (and off the catalog).
#
# Time on this machine kind (2 cores, measured while other test runs shared them): a new machine
# 5 to 6 min (2 to 4.5 min of it apt-get install); installed but not running (as CI finds it:
# nothing a session started survives it) about 30 s; already running under a second (the check
# alone). Cinder and Ceph add about a minute to a new machine (packages, 12 s to make the
# cluster) and a few seconds to a restart. docs/openstack.md has the measurements, the problems
# met on this machine kind and their fixes.
#
# It uses the machine's MariaDB (databases os_*, user openstack) and RabbitMQ (vhost openstack),
# and starts them if they are not running. Passwords are fixed test values: this is a
# throw-away backend on 127.0.0.1. Logs are in /var/log/{keystone,nova,neutron,...}.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOST=127.0.0.1
REGION=RegionOne
ADMIN_PASSWORD="admin"
DEMO_PASSWORD="demo"
SERVICE_PASSWORD="service"
APP_CREDENTIAL_SECRET=maestro-test-application-credential-secret
DB_USER=openstack DB_PASSWORD=openstack
MQ_USER=openstack MQ_PASSWORD=openstack MQ_VHOST=openstack
MQ_URL="rabbit://$MQ_USER:$MQ_PASSWORD@$HOST:5672/$MQ_VHOST"
COMPUTE_HOST=fake-compute-1     # nova's host name for the fake hypervisor, and its OVN chassis
VOLUME_HOST=block-storage-1     # cinder-volume's host name
CINDER=${MAESTRO_OPENSTACK_CINDER:-1}
CEPH_SIZE_GB=10
# Pid files: the same directory and names as ../shared's setup script, so that either one
# sees (and can stop) what the other started on a machine that has run both.
RUN_DIR=/run/openstack-test
STATE_DIR=/var/lib/maestro-openstack
PY=/usr/bin/python3             # Debian's python: the OpenStack libraries live there, not in pyenv's
OVN_CTL=/usr/share/ovn/scripts/ovn-ctl
CHECK=(node "$HERE/openstack-check.mjs")

PACKAGES=(
  keystone placement-api glance-api neutron-api neutron-rpc-server ovn-central
  nova-api nova-conductor nova-scheduler  # not nova-compute: it pulls in qemu and libvirt;
  python3-pymysql mariadb-client curl     # the fake driver runs from python3-nova alone
  # what provision.py imports (all already pulled in by the services above; named to be sure)
  python3-keystoneclient python3-novaclient python3-glanceclient python3-neutronclient python3-cinderclient
)
CINDER_PACKAGES=(cinder-api cinder-scheduler cinder-volume ceph-mon ceph-osd ceph-mgr)
DATABASES=(os_keystone os_placement os_glance os_neutron os_nova_api os_nova os_nova_cell0)

# Start order matters: keystone first (everyone validates tokens), placement before
# nova-compute (it reports its resources once at start), Ceph before cinder-volume.
CORE_SERVICES=(keystone placement glance-api neutron-server nova-api nova-conductor nova-scheduler nova-compute)
CINDER_SERVICES=(ceph-mon ceph-mgr ceph-osd cinder-api cinder-scheduler cinder-volume)

STARTED=() CHANGED=()
# shellcheck source=openstack/lib.sh
source "$HERE/openstack/lib.sh"
# shellcheck source=openstack/config.sh
source "$HERE/openstack/config.sh"
# shellcheck source=openstack/ceph.sh
source "$HERE/openstack/ceph.sh"

if ((CINDER)); then
  PACKAGES+=("${CINDER_PACKAGES[@]}"); DATABASES+=(os_cinder); SERVICES=("${CORE_SERVICES[@]}" "${CINDER_SERVICES[@]}")
else
  SERVICES=("${CORE_SERVICES[@]}")
fi

# ---------------------------------------------------------------------------------------------
# installed / configured?
# ---------------------------------------------------------------------------------------------

# The stamp says which version of these scripts configured the machine, and the checksums of
# the configuration files they wrote: a changed script, or a file someone else rewrote (the
# shared setup script writes the same ones), means configure again.
STAMP=$STATE_DIR/configured
CONFIG_FILES=(/etc/keystone/keystone.conf /etc/placement/placement.conf /etc/glance/glance-api.conf
  /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini /etc/nova/nova.conf)
((CINDER)) && CONFIG_FILES+=(/etc/cinder/cinder.conf /etc/ceph/ceph.conf)

script_version() {
  { cat "$HERE/openstack.sh" "$HERE"/openstack/*.sh "$HERE"/openstack/*.py; echo "cinder=$CINDER"; } |
    sha256sum | cut -d' ' -f1
}
is_configured() {
  [[ -f $STAMP && $(head -n1 "$STAMP") == "$(script_version)" ]] &&
    tail -n +2 "$STAMP" | sha256sum --status -c - 2>/dev/null
}
write_stamp() {
  install -d -m 0700 "$STATE_DIR"
  { script_version; sha256sum "${CONFIG_FILES[@]}"; } >"$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
}

install_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == 'install ok installed' ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  # No package may start its service during the install: we configure first, and start without
  # systemd. A policy-rc.d the machine already has is left as it is.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  quiet apt-get update -q
  # debconf questions default to "do not configure": we configure below
  DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -q --no-install-recommends "${missing[@]}"
  if [[ $(trap -p EXIT) == *policy-rc.d* ]]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
}

# MariaDB and RabbitMQ are the machine's (started before a session on this machine kind);
# start them the way the machine does if they are not running.
ensure_database_and_broker() {
  if ! mariadb -uroot -e 'select 1' >/dev/null 2>&1; then
    log "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 60); do mariadb -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  if ! port_open "$HOST" 5672; then
    log "starting RabbitMQ"
    rabbitmq-server -detached
    quiet timeout 120 rabbitmqctl await_startup
  fi
  local db
  {
    for db in "${DATABASES[@]}"; do echo "CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4;"; done
    for h in localhost 127.0.0.1; do
      echo "CREATE USER IF NOT EXISTS '$DB_USER'@'$h' IDENTIFIED BY '$DB_PASSWORD';"
      echo "GRANT ALL PRIVILEGES ON \`os\\_%\`.* TO '$DB_USER'@'$h';"
    done
  } | mariadb -uroot
  # (rabbitmqctl's answers go to variables first: with pipefail, "cmd | grep -q" can fail on SIGPIPE)
  local vhosts users
  vhosts=$(rabbitmqctl -q list_vhosts)
  # each rabbitmqctl call costs a second: once configured, the vhost's presence is enough
  if grep -qx "$MQ_VHOST" <<<"$vhosts" && is_configured; then return 0; fi
  grep -qx "$MQ_VHOST" <<<"$vhosts" || quiet rabbitmqctl add_vhost "$MQ_VHOST"
  users=$(rabbitmqctl -q list_users)
  grep -q "^$MQ_USER\s" <<<"$users" || quiet rabbitmqctl add_user "$MQ_USER" "$MQ_PASSWORD"
  quiet rabbitmqctl set_permissions -p "$MQ_VHOST" "$MQ_USER" '.*' '.*' '.*'
  # Nothing consumes nova's notification queue unless a test listens: keep it from growing
  # without end on a machine that lives for weeks.
  quiet rabbitmqctl set_policy -p "$MQ_VHOST" --apply-to queues notifications-cap \
    '^(versioned_)?notifications\.' '{"max-length":10000}'
}

# ---------------------------------------------------------------------------------------------
# configure: configuration files, database schemas, keys; done again only when is_configured says so
# ---------------------------------------------------------------------------------------------

write_configs() {
  write_keystone_config; write_placement_config; write_glance_config
  write_neutron_config; write_nova_config
  if ((CINDER)); then ceph_ids; write_ceph_config; write_cinder_config; fi
  # A running service keeps the configuration it started with: restart those whose files changed.
  local restart=()
  changed /etc/keystone/keystone.conf && restart+=(keystone)
  changed /etc/placement/placement.conf && restart+=(placement)
  changed /etc/glance/glance-api.conf && restart+=(glance-api)
  changed /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini && restart+=(neutron-server)
  changed /etc/nova/nova.conf && restart+=(nova-compute nova-scheduler nova-conductor nova-api)
  changed /etc/ceph/ceph.conf /etc/cinder/cinder.conf && restart+=(cinder-volume cinder-scheduler cinder-api)
  if ((${#restart[@]})); then stop_services "${restart[@]}"; fi
  if changed /etc/ceph/ceph.conf; then ceph_stop; fi
  return 0
}

setup_keystone() {
  quiet runuser -u keystone -- keystone-manage db_sync
  quiet keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
  quiet keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
  start_keystone
  quiet keystone-manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
    --bootstrap-admin-url "http://$HOST:5000/v3/" --bootstrap-internal-url "http://$HOST:5000/v3/" \
    --bootstrap-public-url "http://$HOST:5000/v3/" --bootstrap-region-id "$REGION"
  provision identity
}

sync_schemas() {
  quiet runuser -u placement -- placement-manage db sync
  quiet runuser -u glance -- glance-manage db_sync
  quiet runuser -u neutron -- neutron-db-manage --config-file /etc/neutron/neutron.conf \
    --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads
  quiet runuser -u nova -- nova-manage api_db sync
  quiet runuser -u nova -- nova-manage cell_v2 map_cell0 --database_connection "$(db_url os_nova_cell0)"
  local cells
  cells=$(runuser -u nova -- nova-manage cell_v2 list_cells 2>/dev/null)
  grep -q '| cell1 |' <<<"$cells" || quiet runuser -u nova -- nova-manage cell_v2 create_cell --name cell1
  quiet runuser -u nova -- nova-manage db sync
  if ((CINDER)); then quiet runuser -u cinder -- cinder-manage db sync; fi
}

setup_ceph() { ceph_bootstrap; ceph_client_key; }

configure() {
  step "configuration files" write_configs
  step "keystone (schema, keys, users, catalog)" setup_keystone
  step "database schemas" sync_schemas
  if ((CINDER)); then step "Ceph cluster" setup_ceph; fi
}

# ---------------------------------------------------------------------------------------------
# start / stop
# ---------------------------------------------------------------------------------------------

ovn_running() {
  local f
  for f in ovn-northd ovnnb_db ovnsb_db; do
    [[ -f /var/run/ovn/$f.pid ]] && kill -0 "$(<"/var/run/ovn/$f.pid")" 2>/dev/null || return 1
  done
}

start_ovn() {
  ovn_running && return 0
  log "starting OVN (northbound and southbound databases, ovn-northd)"
  quiet "$OVN_CTL" --db-nb-create-insecure-remote=yes --db-sb-create-insecure-remote=yes \
    --db-nb-addr="$HOST" --db-sb-addr="$HOST" start_northd
  STARTED+=(ovn)
}

# What ovn-controller would do on a real compute node: register the host as an OVN chassis.
# Neutron then sees an "OVN Controller agent" there and binds ports to it (vif_type ovs); the
# fake virt driver never plugs them. Kept in the southbound database across restarts.
register_chassis() {
  local sb=(ovn-sbctl --db="tcp:$HOST:6642")
  [[ -n $("${sb[@]}" --bare --columns=_uuid find chassis name="$COMPUTE_HOST") ]] && return 0
  log "registering OVN chassis $COMPUTE_HOST"
  quiet "${sb[@]}" chassis-add "$COMPUTE_HOST" geneve "$HOST"
  quiet "${sb[@]}" set chassis "$COMPUTE_HOST" hostname="$COMPUTE_HOST"
  quiet "${sb[@]}" create chassis_private name="$COMPUTE_HOST" \
    chassis="$("${sb[@]}" --bare --columns=_uuid find chassis name="$COMPUTE_HOST")"
}

start_keystone() {
  install -d "$RUN_DIR"
  wsgi keystone keystone 5000 /usr/bin/keystone-wsgi-public
  wait_http "http://$HOST:5000/v3" 120 /var/log/keystone/keystone-uwsgi.log
}

start_services() {
  install -d "$RUN_DIR"
  start_ovn
  register_chassis
  # Everything that does not need another service at start, at once: they load in parallel.
  wsgi keystone keystone 5000 /usr/bin/keystone-wsgi-public
  wsgi placement placement 8778 /usr/bin/placement-api
  daemon glance-api glance /var/log/glance/glance-api.out /usr/bin/glance-api
  daemon neutron-server neutron /var/log/neutron/neutron-server.out /usr/bin/neutron-server \
    --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini
  daemon nova-api nova /var/log/nova/nova-api.out /usr/bin/nova-api
  daemon nova-conductor nova /var/log/nova/nova-conductor.out /usr/bin/nova-conductor
  daemon nova-scheduler nova /var/log/nova/nova-scheduler.out /usr/bin/nova-scheduler
  if ((CINDER)); then
    ceph_start
    wsgi cinder-api cinder 8776 /usr/bin/cinder-wsgi
    daemon cinder-scheduler cinder /var/log/cinder/cinder-scheduler.out /usr/bin/cinder-scheduler
    daemon cinder-volume cinder /var/log/cinder/cinder-volume.out /usr/bin/cinder-volume \
      --config-file /etc/cinder/cinder.conf
  else
    stop_services cinder-volume cinder-scheduler cinder-api
    ceph_stop
  fi
  # nova-compute reports its inventory to placement once at start (the next try is a minute
  # later), so placement, and keystone behind it, must answer first.
  wait_http "http://$HOST:5000/v3" 120 /var/log/keystone/keystone-uwsgi.log
  wait_http "http://$HOST:8778" 120 /var/log/placement/placement-uwsgi.log
  # (its log file named: started by "python3 -c" it would otherwise log to "<string>.log")
  daemon nova-compute nova /var/log/nova/nova-compute.out \
    "$PY" -c 'import sys; from nova.cmd.compute import main; sys.exit(main())' \
    --log-file /var/log/nova/nova-compute.log
  wait_http "http://$HOST:9292" 120 /var/log/glance/glance-api.log
  wait_http "http://$HOST:9696" 180 /var/log/neutron/neutron-server.log
  wait_http "http://$HOST:8774" 120 /var/log/nova/nova-api.log
  if ((CINDER)); then wait_http "http://$HOST:8776" 120 /var/log/cinder/cinder-api-uwsgi.log; fi
  if ((${#STARTED[@]})); then log "started: ${STARTED[*]}"; fi
}

stop_all() {
  # all OpenStack services at once (each takes seconds to exit), then what cinder-volume used
  stop_services cinder-volume cinder-scheduler cinder-api nova-compute nova-scheduler nova-conductor \
    nova-api neutron-server glance-api placement keystone
  ceph_stop
  if ovn_running || [[ -f /var/run/ovn/ovn-northd.pid ]]; then log "stopping OVN"; quiet "$OVN_CTL" stop_northd; fi
}

all_running() {
  local name
  ovn_running || return 1
  for name in "${SERVICES[@]}"; do is_running "$name" || return 1; done
}

# ---------------------------------------------------------------------------------------------
# provision, check
# ---------------------------------------------------------------------------------------------

provision() {
  # Passwords hashed before keystone.conf lowered password_hash_rounds are set again, once.
  local rehash=0
  [[ -f $STATE_DIR/passwords-rehashed ]] || rehash=1
  OS_TEST_REHASH=$rehash OS_TEST_HOST=$HOST OS_TEST_REGION=$REGION OS_TEST_CINDER=$CINDER \
  OS_TEST_ADMIN_PASSWORD=$ADMIN_PASSWORD OS_TEST_DEMO_PASSWORD=$DEMO_PASSWORD \
  OS_TEST_SERVICE_PASSWORD=$SERVICE_PASSWORD OS_TEST_APP_CREDENTIAL_SECRET=$APP_CREDENTIAL_SECRET \
  OS_TEST_COMPUTE_HOST=$COMPUTE_HOST \
  OS_TEST_NOTIFICATIONS_URL="amqp://$MQ_USER:$MQ_PASSWORD@$HOST:5672/$MQ_VHOST" \
    "$PY" "$HERE/openstack/provision.py" "$1"
  if [[ $1 == resources ]]; then install -d -m 0700 "$STATE_DIR"; touch "$STATE_DIR/passwords-rehashed"; fi
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

up() {
  # Already up: nothing is touched, the check alone decides (about a second).
  if is_configured && all_running && "${CHECK[@]}" --quiet; then
    log "already installed, configured and running; checked in $(elapsed_since "$T0")s"
    return 0
  fi
  step "packages" install_packages
  step "MariaDB and RabbitMQ" ensure_database_and_broker
  if is_configured; then
    log "configured by this version of the script already"
  else
    configure
  fi
  step "services" start_services
  # Waits for the hypervisor, then makes whatever of the resources is missing.
  step "flavors, image, network, quotas, credentials" provision resources
  write_stamp
  # The scheduler places volumes only once cinder-volume has reported its pool: wait for that
  # and for nova-compute, so the first test does not race them.
  step "check" "${CHECK[@]}" --wait 180
  log "ready in $(elapsed_since "$T0")s"
}

reset() {
  stop_all
  # os_cinder too when Cinder is off now: it may have been on before
  local db databases=("${DATABASES[@]/os_cinder/}" os_cinder)
  log "dropping databases ${databases[*]}, RabbitMQ vhost $MQ_VHOST, Ceph data, OVN databases"
  for db in "${databases[@]}"; do [[ -z $db ]] || echo "DROP DATABASE IF EXISTS $db;"; done | mariadb -uroot
  rabbitmqctl -q delete_vhost "$MQ_VHOST" 2>/dev/null || true
  rm -rf "$STATE_DIR" /var/lib/ceph/mon/ceph-a /var/lib/ceph/osd/ceph-0 /var/lib/ceph/mgr/ceph-a \
    /etc/ceph/ceph.client.admin.keyring /etc/ceph/ceph.client.cinder.keyring \
    /var/lib/ovn/ovnnb_db.db /var/lib/ovn/ovnsb_db.db /var/lib/glance/images/* \
    /etc/keystone/fernet-keys /etc/keystone/credential-keys \
    /etc/openstack/clouds.yaml /etc/openstack/maestro-test.json
}

status() {
  local name state
  if ovn_running; then echo "running  ovn"; else echo "stopped  ovn"; fi
  for name in "${SERVICES[@]}"; do
    if is_running "$name"; then state="running  $name (pid $(<"$RUN_DIR/$name.pid"))"; else state="stopped  $name"; fi
    echo "$state"
  done
  if is_configured; then echo "configured by this version of the script"; else echo "not configured by this version of the script"; fi
  "${CHECK[@]}"
}

[[ $(id -u) == 0 ]] || { echo "run as root: it installs packages and starts services" >&2; exit 1; }
case ${1:-up} in
  up) up ;;
  start) start_services; "${CHECK[@]}" --wait 180 ;;
  stop) stop_all ;;
  status) status ;;
  reset) reset; log "reset: the next run configures everything again" ;;
  *) echo "usage: $0 [up|start|stop|status|reset]" >&2; exit 2 ;;
esac
