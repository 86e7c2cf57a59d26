//! The Chinese texts of the loaders' problem messages, keyed by their English templates (see
//! [`super::problem::Msg`]). `{}` marks an argument, in the English order. A test checks that
//! every template in the code has one, and that each has as many `{}` as its English.

/// The Chinese template of an English one.
pub fn chinese(template: &str) -> Option<&'static str> {
    ZH.iter().find(|(en, _)| *en == template).map(|(_, zh)| *zh)
}

/// English template → Chinese template.
pub const ZH: &[(&str, &str)] = &[
    // Change sets (src/changes).
    (
        "a signing list is a CSV/TSV/TXT table or a workbook (.xlsx, .xls, .ods)",
        "签约清单须为 CSV/TSV/TXT 表格或工作簿（.xlsx、.xls、.ods）",
    ),
    (
        "no project-name column (项目名称, project, name); the columns are: {}",
        "没有项目名称列（项目名称、project、name）；现有列为：{}",
    ),
    (
        "no park column (所在园区, 园区, park); the columns are: {}",
        "没有园区列（所在园区、园区、park）；现有列为：{}",
    ),
    (
        "industries not matched to a cluster (left out): {}",
        "未能对应到产业集群的行业（已略去）：{}",
    ),
    (
        "conflict: expected {}, found {} (changed meanwhile, or applied already)",
        "冲突：应为 {}，实际为 {}（其间已被修改，或已应用过）",
    ),
    (
        "no source: every change cites one (an id from the park's sources, or a new source with a title or outlet)",
        "没有来源：每项修改都须注明来源（园区已有来源的编号，或带标题或发布机构的新来源）",
    ),
    ("a park with this id exists already", "已有使用此编号的园区"),
    ("cannot write the park: {}", "无法写出园区：{}"),
    (
        "the change does not leave a park (an id and a name are needed)",
        "修改后不再是有效园区（需要编号和名称）",
    ),
    (
        "the park's sources are not an object",
        "园区的 sources 不是对象",
    ),
    (
        "source '{}' is not one of this park's sources",
        "来源“{}”不是此园区的来源",
    ),
    (
        "a new source needs a title or an outlet",
        "新来源需要标题或发布机构",
    ),
    (
        "the source's address must start with http:// or https:// (found {})",
        "来源网址须以 http:// 或 https:// 开头（实际为 {}）",
    ),
    ("the park has no properties", "园区没有属性"),
    (
        "'{}' is not set with `set` (projects, targets, sources and source ids have their own operations)",
        "“{}”不能用 `set` 修改（项目、目标、来源及来源编号各有专门的操作）",
    ),
    ("{}[{}] is not an object", "{}[{}] 不是对象"),
    (
        "source ids follow the source a change cites: they are not set by hand",
        "来源编号随修改所注明的来源自动填写，不能手动设置",
    ),
    ("the park's {} are not a list", "园区的 {} 不是列表"),
    ("not a change set: {}", "不是修改集：{}"),
    ("cannot write the file: {}", "无法写入文件：{}"),
    ("{}", "{}"),
    ("", ""),
    ("cannot read the file: {}", "无法读取文件：{}"),
    ("cannot read the table: {}", "无法读取数据表：{}"),
    (
        "more than {} features in view: the first {} are shown; zoom in for the rest",
        "视野内要素超过 {} 个：只显示前 {} 个；放大可看到其余要素",
    ),
    ("not a clusters file: {}", "不是产业集群文件：{}"),
    (
        "unknown source id {} (not in \"sources\")",
        "未知的来源编号 {}（不在 \"sources\" 中）",
    ),
    ("not a city-wide figures file: {}", "不是全市数据文件：{}"),
    (
        "duplicate id: {} already has it",
        "编号重复：{} 已使用该编号",
    ),
    ("unknown park id {}", "未知的园区编号 {}"),
    (
        "park {} is not in this file (fine for an export of a selection; its link is not drawn)",
        "园区 {} 不在本文件中（导出部分园区时属正常；不绘制其连线）",
    ),
    ("parents form a cycle", "所属园区关系形成了循环"),
    (
        "unknown county adcode {} (not in the counties file)",
        "未知的县区行政代码 {}（不在县区文件中）",
    ),
    (
        "the location lies outside every county",
        "位置不在任何县区之内",
    ),
    (
        "the location lies in {} but county_adcodes lists {}",
        "位置在 {} 内，但 county_adcodes 列的是 {}",
    ),
    ("cannot open the GeoPackage: {}", "无法打开 GeoPackage：{}"),
    ("cannot read the GeoPackage: {}", "无法读取 GeoPackage：{}"),
    (
        "an SQLite database but not a GeoPackage (it has no gpkg_contents and gpkg_geometry_columns tables)",
        "这是 SQLite 数据库，但不是 GeoPackage（没有 gpkg_contents 和 gpkg_geometry_columns 表）",
    ),
    (
        "table {} has no geometry: not opened (the feature tables are)",
        "表 {} 没有几何字段：未打开（已打开要素表）",
    ),
    (
        "the GeoPackage has no feature table",
        "该 GeoPackage 没有要素表",
    ),
    ("no definition", "没有坐标系定义"),
    ("{}: {} ({})", "{}：{}（{}）"),
    ("{} is in {}", "{} 的坐标系为 {}"),
    ("cancelled", "已取消"),
    ("{}: {}", "{}：{}"),
    (
        "{} row {}: the geometry does not decode ({}); the feature is kept without one",
        "{} 第 {} 行：几何无法解码（{}）；该要素保留，但没有几何",
    ),
    (
        "{} has a coordinate ({}, {}) that is not a longitude/latitude, though the table says WGS 84",
        "{} 有坐标 ({}, {}) 不是经纬度，但该表声明为 WGS 84",
    ),
    ("an array of {}", "含 {} 项的数组"),
    ("an object", "一个对象"),
    (
        "no location: the park is listed but not drawn on the map",
        "没有位置：园区会列出，但不会画在地图上",
    ),
    ("expected a string, found {}", "应为字符串，实际为 {}"),
    (
        "{} {} is more than 10^15: a unit mistake? (amounts are in whole yuan or euros)",
        "{} {} 大于 10^15：单位有误吗？（金额以元或欧元为单位）",
    ),
    (
        "expected {} (a number ≥ 0), found {}",
        "应为{}（≥ 0 的数字），实际为 {}",
    ),
    (
        "expected {} (a number), found {}",
        "应为{}（数字），实际为 {}",
    ),
    ("an investment amount", "投资金额"),
    ("an area in km²", "以平方公里计的面积"),
    ("a distance in km", "以公里计的距离"),
    (
        "expected a four-digit year, found {}",
        "应为四位数年份，实际为 {}",
    ),
    (
        "expected an array of strings, found {}",
        "应为字符串数组，实际为 {}",
    ),
    (
        "expected an array of objects, found {}",
        "应为对象数组，实际为 {}",
    ),
    ("expected an object, found {}", "应为对象，实际为 {}"),
    (
        "an amount needs a currency (an ISO 4217 code such as \"CNY\")",
        "金额需要币种（ISO 4217 代码，如 \"CNY\"）",
    ),
    (
        "expected a three-letter ISO 4217 code such as \"CNY\", found {}",
        "应为三个字母的 ISO 4217 代码（如 \"CNY\"），实际为 {}",
    ),
    (
        "expected \"park\" or \"city_wide\", found {}",
        "应为 \"park\" 或 \"city_wide\"，实际为 {}",
    ),
    ("expected one of {}, found {}", "应为 {} 之一，实际为 {}"),
    (
        "expected a number (put words in \"text\"), found {}",
        "应为数字（文字请写在 \"text\" 中），实际为 {}",
    ),
    (
        "a unit is only the unit ({}): put \"about\" or \"more than\" in value_qualifier and glosses in note",
        "单位只写单位（{}）：“约”“超过”写在 value_qualifier，说明写在 note",
    ),
    (
        "expected an object of sources by id, found {}",
        "应为按编号排列的来源对象，实际为 {}",
    ),
    (
        "expected a source object (title, outlet, date, url), found {}",
        "应为来源对象（title、outlet、date、url），实际为 {}",
    ),
    (
        "expected a geometry object or null, found {}",
        "应为几何对象或 null，实际为 {}",
    ),
    (
        "expected a geometry type ({}), found {}",
        "应为几何类型（{}），实际为 {}",
    ),
    ("nothing", "空"),
    (
        "a GeometryCollection needs a \"geometries\" array",
        "GeometryCollection 需要 \"geometries\" 数组",
    ),
    (
        "unknown geometry type {} (expected one of {})",
        "未知的几何类型 {}（应为 {} 之一）",
    ),
    ("a {} needs \"coordinates\"", "{} 需要 \"coordinates\""),
    (
        "the {} intersects itself near ({}, {}){} (it is drawn, but areas and hit-tests may be off)",
        "{} 在 ({}, {}) 附近自相交{}（仍会绘制，但面积和点选可能不准）",
    ),
    (" and in {} more place(s)", "，另有 {} 处"),
    (
        "expected at least {} positions, found {}",
        "应至少有 {} 个坐标点，实际为 {}",
    ),
    ("expected an array, found {}", "应为数组，实际为 {}"),
    (
        "expected a position [longitude, latitude], found {}",
        "应为坐标 [经度, 纬度]，实际为 {}",
    ),
    (
        "a position needs longitude and latitude, found {} number(s)",
        "坐标需要经度和纬度，实际只有 {} 个数字",
    ),
    ("expected a number, found {}", "应为数字，实际为 {}"),
    (
        "longitude {} is out of range (-180 to 180); coordinates must be WGS-84 degrees, longitude first",
        "经度 {} 超出范围（-180 到 180）；坐标须为 WGS-84 度数，经度在前",
    ),
    (
        "latitude {} is out of range (-90 to 90); coordinates must be WGS-84 degrees, longitude first",
        "纬度 {} 超出范围（-90 到 90）；坐标须为 WGS-84 度数，经度在前",
    ),
    (
        "the ring is not closed: its last position must repeat the first",
        "环未闭合：最后一个坐标点必须与第一个相同",
    ),
    (
        "internal error while reading the features",
        "读取要素时发生内部错误",
    ),
    ("reading was cancelled", "读取已取消"),
    (
        "not GeoJSON: expected an object with a \"type\" member, found {}",
        "不是 GeoJSON：应为带 \"type\" 成员的对象，实际为 {}",
    ),
    (
        "not GeoJSON: expected a string, found {}",
        "不是 GeoJSON：应为字符串，实际为 {}",
    ),
    (
        "not GeoJSON: the top-level object has no \"type\" member",
        "不是 GeoJSON：顶层对象没有 \"type\" 成员",
    ),
    (
        "expected an array of features, found {}",
        "应为要素数组，实际为 {}",
    ),
    (
        "a FeatureCollection needs a \"features\" array",
        "FeatureCollection 需要 \"features\" 数组",
    ),
    (
        "not GeoJSON: unknown type {} (expected FeatureCollection, Feature or a geometry type)",
        "不是 GeoJSON：未知类型 {}（应为 FeatureCollection、Feature 或几何类型）",
    ),
    (
        "the file is {} MB, more than the {} MB this program reads",
        "文件大小为 {} MB，超过本程序可读取的 {} MB",
    ),
    (
        "this is {}; Park Atlas reads GeoJSON",
        "这是{}；本程序读取 GeoJSON",
    ),
    (
        "the file is {}-encoded, not UTF-8; it was converted (save it as UTF-8 to silence this)",
        "文件为 {} 编码，不是 UTF-8；已自动转换（另存为 UTF-8 即不再提示）",
    ),
    ("the file is empty", "文件为空"),
    (
        "not valid JSON: nested more than 128 levels deep",
        "不是有效的 JSON：嵌套超过 128 层",
    ),
    ("not valid JSON: {}", "不是有效的 JSON：{}"),
    (
        "expected a Feature object, found {}",
        "应为 Feature 对象，实际为 {}",
    ),
    (
        "expected \"Feature\", found {}",
        "应为 \"Feature\"，实际为 {}",
    ),
    (
        "a feature needs \"type\": \"Feature\"",
        "要素需要 \"type\": \"Feature\"",
    ),
    (
        "expected an object or null, found {}",
        "应为对象或 null，实际为 {}",
    ),
    (
        "a feature needs a \"geometry\" member (null when it has no location)",
        "要素需要 \"geometry\" 成员（没有位置时为 null）",
    ),
    (
        "expected an administrative code (string or whole number), found {}",
        "应为行政区划代码（字符串或整数），实际为 {}",
    ),
    (
        "properties.id {} differs from the feature id {}",
        "properties.id {} 与要素编号 {} 不一致",
    ),
    (
        "a park needs an id (a \"id\" property or a feature id)",
        "园区需要编号（\"id\" 属性或要素编号）",
    ),
    ("the id is empty", "编号为空"),
    (
        "a park needs a name (name_zh or name_en)",
        "园区需要名称（name_zh 或 name_en）",
    ),
    (
        "expected one of national, provincial, municipal, unknown; found {}",
        "应为 national、provincial、municipal、unknown 之一；实际为 {}",
    ),
    ("expected one of {}; found {}", "应为 {} 之一；实际为 {}"),
    (
        "unknown source id {} (not in this park's \"sources\")",
        "未知的来源编号 {}（不在本园区的 \"sources\" 中）",
    ),
    (
        "unknown cluster id {} (not in clusters.json)",
        "未知的产业集群编号 {}（不在 clusters.json 中）",
    ),
    ("its definition does not read ({})", "其定义无法解析（{}）"),
    (
        "the transformation cannot be set up ({})",
        "无法建立坐标转换（{}）",
    ),
    (
        "the point ({}, {}) does not transform",
        "点 ({}, {}) 无法转换",
    ),
    (
        "reprojected from {} to WGS 84; its datum shift is not given (no TOWGS84), so positions may be off by up to ~100 m",
        "已从 {} 重投影到 WGS 84；未给出基准转换参数（没有 TOWGS84），位置可能偏差约 100 米",
    ),
    ("reprojected from {} to WGS 84", "已从 {} 重投影到 WGS 84"),
    (
        "{}, which Park Atlas cannot convert ({}) — convert it to WGS 84 with `ogr2ogr -t_srs EPSG:4326 out.{} {}` or QGIS's Export → Save Features As…",
        "{}，本程序无法转换（{}）——请用 `ogr2ogr -t_srs EPSG:4326 out.{} {}` 或 QGIS 的“导出 → 要素另存为…”转为 WGS 84",
    ),
    (
        "coordinates in {}, drawn as WGS 84 (the two differ by well under a metre)",
        "坐标系为 {}，按 WGS 84 绘制（两者相差远小于 1 米）",
    ),
    ("the coordinates are in {}", "坐标系为 {}"),
    (
        "{} of {} shapes are MultiPatch: 3-D surfaces (buildings, terrain models) that a flat map does not draw; they are kept with their attributes but without a location. To see their footprints, flatten them first: `ogr2ogr -nlt MULTIPOLYGON -dim XY flat.shp {}`",
        "{} 个图形（共 {} 个）是 MultiPatch：三维表面（建筑、地形模型），平面地图不绘制；它们连同属性保留，但没有位置。要看其平面轮廓，请先压平：`ogr2ogr -nlt MULTIPOLYGON -dim XY flat.shp {}`",
    ),
    (
        "ECharts compressed map: {} feature(s) decoded ({} degenerate ring(s) of under 4 positions left out)",
        "ECharts 压缩地图：已解码 {} 个要素（略去 {} 个不足 4 个点的退化环）",
    ),
    (
        "an ECharts compressed map (ECharts' maps of China are in GCJ-02)",
        "ECharts 压缩地图（ECharts 的中国地图使用 GCJ-02）",
    ),
    (
        "ECharts map: a ring is not an encoded string",
        "ECharts 地图：有一个环不是编码字符串",
    ),
    (
        "ECharts map: a ring has no encodeOffsets",
        "ECharts 地图：有一个环缺少 encodeOffsets",
    ),
    (
        "ECharts map: a ring's text has an odd length ({})",
        "ECharts 地图：有一个环的文本长度为奇数（{}）",
    ),
    (
        "ECharts map: coordinates and encodeOffsets do not match",
        "ECharts 地图：coordinates 与 encodeOffsets 对不上",
    ),
    (
        "ECharts map: UTF8Scale is not a positive number",
        "ECharts 地图：UTF8Scale 不是正数",
    ),
    ("ECharts map: no features", "ECharts 地图：没有 features"),
    (
        "no .prj beside the file: the coordinates are taken as WGS 84 longitude/latitude",
        "文件旁没有 .prj：坐标按 WGS 84 经纬度处理",
    ),
    (
        "some text does not decode in the encoding the .cpg names: shown with �",
        "部分文字无法按 .cpg 指定的编码解码：以 � 显示",
    ),
    ("cannot open the .dbf file: {}", "无法打开 .dbf 文件：{}"),
    ("cannot read the .dbf file: {}", "无法读取 .dbf 文件：{}"),
    (
        "the attribute text is neither UTF-8 nor GBK and there is no .cpg saying what it is: read as GBK, with � where it does not decode",
        "属性文字既不是 UTF-8 也不是 GBK，且没有 .cpg 说明编码：按 GBK 读取，无法解码处以 � 显示",
    ),
    (
        "no .cpg and the attribute text is not UTF-8: read as GBK (GB18030), the encoding Chinese Windows saves",
        "没有 .cpg，属性文字不是 UTF-8：按 GBK（GB18030，中文 Windows 的保存编码）读取",
    ),
    (
        "the .dbf file beside it (its attributes) is missing",
        "缺少旁边的 .dbf 文件（属性表）",
    ),
    ("cannot read the shapefile: {}", "无法读取 Shapefile：{}"),
    ("shape {}: cannot read it: {}", "第 {} 个图形：无法读取：{}"),
    (
        "shape {}: {}; the feature is kept without a geometry",
        "第 {} 个图形：{}；该要素保留，但没有几何",
    ),
    ("shape {}: {}", "第 {} 个图形：{}"),
    (
        "shape {} has a coordinate ({}, {}) that is not a longitude/latitude: the file is in a projected system (convert it with `ogr2ogr -t_srs EPSG:4326 out.shp {}`)",
        "第 {} 个图形的坐标 ({}, {}) 不是经纬度：文件为投影坐标系（请用 `ogr2ogr -t_srs EPSG:4326 out.shp {}` 转换）",
    ),
    (
        "the file starts with a {} byte-order mark but is not valid {}",
        "文件以 {} 字节顺序标记开头，但内容不是有效的 {}",
    ),
    (
        "the file is not UTF-8 text (first bad byte at offset {}) and not valid {} either; save it as UTF-8 and try again",
        "文件不是 UTF-8 文本（第一个错误字节在偏移 {} 处），也不是有效的 {}；请另存为 UTF-8 后重试",
    ),
    (
        "a ZIP archive: an Excel workbook or a KMZ opens when its name ends in .xlsx or .kmz; a zipped shapefile, once unzipped",
        "ZIP 压缩包：Excel 工作簿或 KMZ 的文件名以 .xlsx 或 .kmz 结尾即可打开；压缩的 Shapefile 请先解压",
    ),
    (
        "an old Excel or Office file: a workbook opens when its name ends in .xls",
        "旧版 Excel 或 Office 文件：工作簿的文件名以 .xls 结尾即可打开",
    ),
    (
        "a shapefile's .shp: it opens when its name ends in .shp, with its .dbf beside it",
        "Shapefile 的 .shp 文件：文件名以 .shp 结尾、旁边有 .dbf 即可打开",
    ),
    (
        "a GeoPackage or SQLite database: convert a layer with `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson IN.gpkg LAYER`",
        "GeoPackage 或 SQLite 数据库：请用 `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson IN.gpkg LAYER` 转换图层",
    ),
    ("an image, not data", "图片，不是数据"),
    ("a PDF document, not data", "PDF 文档，不是数据"),
    (
        "an HTML web page (saved from a browser?): download the raw .geojson file instead",
        "HTML 网页（从浏览器保存的？）：请改为下载原始 .geojson 文件",
    ),
    (
        "KML (Google Earth): it opens when its name ends in .kml",
        "KML（谷歌地球）：文件名以 .kml 结尾即可打开",
    ),
    (
        "XML, not JSON: convert it with `ogr2ogr -f GeoJSON out.geojson IN_FILE` if it is GML",
        "XML，不是 JSON：如果是 GML，请用 `ogr2ogr -f GeoJSON out.geojson IN_FILE` 转换",
    ),
    (
        "groups[{}].id: duplicate group id {}",
        "groups[{}].id：分组编号 {} 重复",
    ),
    (
        "clusters[{}].id: duplicate cluster id {}",
        "clusters[{}].id：产业集群编号 {} 重复",
    ),
    (
        "clusters[{}] (id '{}').group: unknown group id {}",
        "clusters[{}]（编号 '{}'）.group：未知的分组编号 {}",
    ),
    (
        "clusters[{}] (id '{}').color: expected \"#rrggbb\", found {}",
        "clusters[{}]（编号 '{}'）.color：应为 \"#rrggbb\"，实际为 {}",
    ),
    (
        "the outlines match the built-in counties as they are (median {} m)",
        "边界与内置县区直接吻合（中位偏差 {} 米）",
    ),
    (
        "the outlines match the built-in counties once the {} offset is removed (median {} m; as WGS-84: {} m)",
        "去除 {} 偏移后边界与内置县区吻合（中位偏差 {} 米；按 WGS-84 读取时为 {} 米）",
    ),
    (
        "the features carry DataV GeoAtlas's properties (adcode, center, centroid, childrenNum, level)",
        "要素带有阿里云 DataV GeoAtlas 的属性（adcode、center、centroid、childrenNum、level）",
    ),
    (
        "coordinates in {}, found from: {} — converted to WGS-84",
        "坐标为 {}，依据：{}——已转换为 WGS-84",
    ),
    (
        "coordinates declared as {} — converted to WGS-84",
        "坐标已声明为 {}——已转换为 WGS-84",
    ),
    ("there is no column {}", "没有名为 {} 的列"),
    (
        "no longitude and latitude columns (looked for lon/lng/longitude/x/经度 and lat/latitude/y/纬度) and no WKT column among: {}; name them with --lon and --lat",
        "找不到经度和纬度列（查找了 lon/lng/longitude/x/经度 和 lat/latitude/y/纬度），也没有 WKT 列；现有的列：{}；请用 --lon 和 --lat 指定",
    ),
    (
        "the text is {}-encoded, not UTF-8; it was converted",
        "文字为 {} 编码，不是 UTF-8；已自动转换",
    ),
    ("cannot read the header line: {}", "无法读取表头行：{}"),
    ("the file has no header line", "文件没有表头行"),
    (
        "coordinates from the columns {} (longitude) and {} (latitude)",
        "坐标取自 {} 列（经度）和 {} 列（纬度）",
    ),
    ("geometries from the WKT column {}", "几何取自 WKT 列 {}"),
    ("row {}: {}", "第 {} 行：{}"),
    (" and {} more", "，另有 {} 行"),
    (
        "{} row(s) have no usable coordinates and are kept without a location (not on the map): rows {}{}",
        "{} 行没有可用的坐标，保留但没有位置（不在地图上显示）：第 {}{} 行",
    ),
    (
        "coordinates in {}, found from: the column names — converted to WGS-84",
        "坐标为 {}，依据：列名——已转换为 WGS-84",
    ),
    (
        "a parks file: write parks with `park-atlas export` (convert writes layers)",
        "这是园区文件：园区请用 `park-atlas export` 导出（convert 用于图层）",
    ),
    ("cannot open the workbook: {}", "无法打开工作簿：{}"),
    (
        "there is no sheet {}; the sheets are: {}",
        "没有工作表 {}；现有工作表：{}",
    ),
    ("the workbook has no sheet", "工作簿中没有工作表"),
    ("cannot read the sheet {}: {}", "无法读取工作表 {}：{}"),
    (
        "sheet {} read (the workbook has {}: {})",
        "已读取工作表 {}（工作簿共有 {} 个：{}）",
    ),
    ("cannot read the KMZ archive: {}", "无法读取 KMZ 压缩包：{}"),
    (
        "the KMZ archive holds no .kml file",
        "KMZ 压缩包中没有 .kml 文件",
    ),
    ("not valid KML: {}", "不是有效的 KML：{}"),
    (
        "{} placemark(s) are 3-D models, which a map cannot draw: kept without a location",
        "{} 个地标是三维模型，地图无法绘制：保留但没有位置",
    ),
    (
        "TopoJSON: {} feature(s) from {} object(s), arcs decoded",
        "TopoJSON：解出 {} 个要素（来自 {} 个对象），已解码弧段",
    ),
    ("a position is not an array", "坐标点不是数组"),
    ("a position needs two numbers", "坐标点需要两个数字"),
    ("arc {} does not exist", "弧段 {} 不存在"),
    ("arc indices are not an array", "弧段索引不是数组"),
    ("an arc index is not a whole number", "弧段索引不是整数"),
    ("an arc is not an array of positions", "弧段不是坐标点数组"),
    ("a geometry is not an object", "几何不是对象"),
    (
        "unknown TopoJSON geometry type {}",
        "未知的 TopoJSON 几何类型 {}",
    ),
    ("not a TopoJSON Topology", "不是 TopoJSON 拓扑（Topology）"),
    ("a Topology needs \"objects\"", "Topology 需要 \"objects\""),
    (
        "the TopoJSON has no objects: nothing to read",
        "该 TopoJSON 没有对象：没有可读取的内容",
    ),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The English templates of every `msg!` in the non-test code.
    fn templates_in_the_code() -> Vec<String> {
        crate::source_scan::literals_after("msg!(")
    }

    #[test]
    fn every_problem_the_code_can_report_has_a_chinese_text() {
        let used = templates_in_the_code();
        assert!(used.len() > 100, "the scan found only {}", used.len());
        let missing: Vec<&String> = used.iter().filter(|t| chinese(t).is_none()).collect();
        assert!(missing.is_empty(), "no Chinese text for: {missing:#?}");
        for (en, zh) in ZH {
            assert_eq!(
                en.matches("{}").count(),
                zh.matches("{}").count(),
                "{en:?} and {zh:?} take different numbers of values"
            );
            assert!(
                !zh.is_empty() || en.is_empty(),
                "{en:?} has an empty Chinese text"
            );
        }
        let unused: Vec<&str> = ZH
            .iter()
            .map(|(en, _)| *en)
            // ("{}" is `Msg::verbatim`'s.)
            .filter(|en| *en != "{}" && !used.iter().any(|u| u == en))
            .collect();
        assert!(unused.is_empty(), "texts no code reports: {unused:?}");
    }

    #[test]
    fn a_message_is_said_in_either_language_with_its_values() {
        let m = crate::msg!(
            "expected {} (a number ≥ 0), found {}",
            crate::msg!("an area in km²"),
            -3
        );
        assert_eq!(
            m.text(false),
            "expected an area in km² (a number ≥ 0), found -3"
        );
        assert_eq!(
            m.text(true),
            "应为以平方公里计的面积（≥ 0 的数字），实际为 -3"
        );
    }
}
