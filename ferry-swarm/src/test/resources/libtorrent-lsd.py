# libtorrent with Local Service Discovery on, for LocalDiscoveryNamespaceTest: one session
# listening on ADDRESS:6881 with a v2 magnet (KEY: 64 hex digits, the v2 info-hash) added, so
# that it announces it over LSD; prints LT-READY, then every log line that concerns LSD as
# "LT <alert> <message>"; ends when its standard input closes.
import sys
import threading

import libtorrent as lt

address, key = sys.argv[1], sys.argv[2]
session = lt.session({
    'enable_lsd': True,
    'enable_dht': False,
    'enable_upnp': False,
    'enable_natpmp': False,
    'listen_interfaces': address + ':6881',
    'alert_mask': lt.alert.category_t.all_categories,
})
params = lt.parse_magnet_uri('magnet:?xt=urn:btmh:1220' + key)
params.save_path = '/nonexistent'
session.add_torrent(params)
ended = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), ended.set()), daemon=True).start()
print('LT-READY', flush=True)
while not ended.is_set():
    session.wait_for_alert(200)
    for alert in session.pop_alerts():
        message = alert.message()
        if 'lsd' in message.lower():
            print('LT', type(alert).__name__, message, flush=True)
