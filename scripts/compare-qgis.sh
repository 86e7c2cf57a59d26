#!/bin/sh
# Times QGIS on a layer file the way docs/PERFORMANCE.md compares Park Atlas with it: open the
# layer, draw the full extent once at 1280x800 (offscreen), then draw 1/64 of it (a zoom of
# three levels), and print the seconds and the peak memory. Installs python3-qgis when missing
# (Debian 12: QGIS 3.22).
#
#   scripts/compare-qgis.sh /tmp/big/p1m.gpkg
set -eu
file=${1:?usage: compare-qgis.sh FILE}
if ! python3 -c 'import qgis' 2>/dev/null && ! /usr/bin/python3 -c 'import qgis' 2>/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-qgis qgis-providers >/dev/null
fi
QT_QPA_PLATFORM=offscreen /usr/bin/time -f "qgis peak memory: %M KB" /usr/bin/python3 - "$file" <<'PY'
import sys, time
t0 = time.time()
from qgis.core import (QgsApplication, QgsVectorLayer, QgsMapSettings, QgsMapRendererSequentialJob,
                       QgsRectangle)
from qgis.PyQt.QtCore import QSize
app = QgsApplication([], False)
app.initQgis()
t_start = time.time()
layer = QgsVectorLayer(sys.argv[1], "layer", "ogr")
if not layer.isValid():
    sys.exit("QGIS cannot open " + sys.argv[1])
t_open = time.time()
def draw(extent):
    s = QgsMapSettings()
    s.setLayers([layer])
    s.setOutputSize(QSize(1280, 800))
    s.setExtent(extent)
    job = QgsMapRendererSequentialJob(s)
    t = time.time()
    job.start()
    job.waitForFinished()
    return time.time() - t
full = layer.extent()
t_full = draw(full)
c = full.center()
small = QgsRectangle(c.x() - full.width() / 16, c.y() - full.height() / 16,
                     c.x() + full.width() / 16, c.y() + full.height() / 16)
t_zoom = draw(small)
print(f"qgis {layer.featureCount()} features: start {t_start - t0:.2f} s, open {t_open - t_start:.2f} s, "
      f"full-extent drawing {t_full:.2f} s, 1/64 zoom {t_zoom:.2f} s, "
      f"open + first full drawing {t_open - t_start + t_full:.2f} s")
PY
