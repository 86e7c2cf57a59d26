//! The two languages of the interface. Strings are written in English in the code and looked
//! up here for Chinese, so a missing translation shows English rather than nothing.

use serde::{Deserialize, Serialize};

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// True for Chinese: data names are shown in Chinese first.
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }

    /// A unit word of the data ("projects", "enterprises", "parks") in this language; other
    /// units as they are.
    pub fn tr_unit(self, unit: &str) -> String {
        match (self, ZH.iter().find(|(e, _)| *e == unit)) {
            (Lang::Zh, Some((_, z))) if UNITS.contains(&unit) => (*z).to_owned(),
            _ => unit.to_owned(),
        }
    }

    /// A role's name in this language.
    pub fn role(self, role: crate::model::Role) -> &'static str {
        use crate::model::Role;
        let en = match role {
            Role::AgglomerationZone => "Agglomeration zone (the \"1\")",
            Role::AgglomerationSection => "Section of the agglomeration zone",
            Role::CountyPark => "County park (an \"N\" park)",
            Role::Park => "Park",
            Role::AnchorSite => "Anchor site",
            Role::Infrastructure => "Infrastructure",
            Role::Designation => "Designation",
        };
        match self {
            Lang::En => en,
            Lang::Zh => self.tr(role.as_str()),
        }
    }

    /// A tier's name in this language.
    pub fn tier(self, tier: crate::model::Tier) -> &'static str {
        use crate::model::Tier;
        let en = match tier {
            Tier::National => "National",
            Tier::Provincial => "Provincial",
            Tier::Municipal => "Municipal",
            Tier::Unknown => "Unknown",
        };
        match self {
            Lang::En => en,
            Lang::Zh => self.tr(tier.as_str()),
        }
    }

    /// The text in this language.
    pub fn tr(self, en: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => ZH.iter().find(|(e, _)| *e == en).map_or(en, |(_, z)| z),
        }
    }
}

/// Unit words of the city-wide figures that are translated.
const UNITS: [&str; 3] = ["projects", "enterprises", "parks"];

/// English → Chinese.
const ZH: &[(&str, &str)] = &[
    ("Park Atlas", "湛江产业园区图"),
    ("Filters", "筛选"),
    ("Search", "搜索"),
    (
        "Search names, projects, investors",
        "搜索名称、项目、投资方",
    ),
    ("Industry clusters", "产业集群"),
    ("Counties", "县（市、区）"),
    ("Tiers", "级别"),
    ("Select all shown", "全选显示的园区"),
    ("Clear filters", "清除筛选"),
    ("Clear selection", "清除选择"),
    ("Parks shown", "显示的园区"),
    ("Export selected…", "导出所选…"),
    ("Open data…", "打开数据…"),
    ("Layers", "图层"),
    ("Attribute table", "属性表"),
    ("Table", "属性表"),
    (
        "Show or hide the attribute table (Ctrl+T)",
        "显示或隐藏属性表（Ctrl+T）",
    ),
    ("Parks", "园区"),
    ("Projects", "项目"),
    ("Columns", "列"),
    (
        "Click a row to select it; Ctrl+C copies the selected rows.",
        "点击行即可选中；Ctrl+C 复制所选行。",
    ),
    ("No rows.", "没有行。"),
    ("Measure", "测量"),
    ("Also called", "又称"),
    ("in English only", "仅有英文"),
    ("in Chinese only", "仅有中文"),
    ("another park's target", "属于另一园区的目标"),
    ("Part", "组成部分"),
    ("city-wide", "全市"),
    ("about", "约"),
    ("more than", "超过"),
    ("at least", "至少"),
    ("up to", "最多"),
    (
        "City-wide batch, not in this park's totals",
        "全市批量项目，不计入本园区合计",
    ),
    ("Also hosts, through its projects:", "另经签约项目涉及："),
    ("Save…", "保存…"),
    ("Save", "保存"),
    ("Saved", "已保存"),
    ("Map image, PNG 1×…", "地图图片 PNG 1×…"),
    ("Map image, PNG 2×…", "地图图片 PNG 2×…"),
    ("Map image, PNG 4×…", "地图图片 PNG 4×…"),
    ("Map image, SVG…", "地图图片 SVG…"),
    ("reliability", "可靠性"),
    (
        "Map image, SVG with text as outlines…",
        "地图图片 SVG（文字转为轮廓）…",
    ),
    ("Brief of selection (PDF)…", "所选园区简报（PDF）…"),
    ("Brief of selection…", "所选园区简报…"),
    ("Save map image…", "保存地图图片…"),
    (
        "An A4 PDF: a map of the selected parks, then each park with its projects, targets and sources.",
        "A4 PDF：所选园区的地图，以及各园区的项目、目标和来源。",
    ),
    (
        "The current view as SVG (vectors; opens in Inkscape, browsers, Office).",
        "当前视图的 SVG 矢量图（可在 Inkscape、浏览器、Office 中打开）。",
    ),
    (
        "The current view as SVG with every text drawn as outlines: it looks the same in any program, with or without Chinese fonts (e.g. at a print shop), but the text can no longer be edited or searched.",
        "当前视图的 SVG，所有文字转为轮廓：在任何程序中显示都相同，无论是否装有中文字体（例如交给印刷厂时），但文字不能再编辑或搜索。",
    ),
    (
        "The current view as PNG, at a multiple of the map's size on screen.",
        "当前视图的 PNG 图片，尺寸为屏幕上地图的倍数。",
    ),
    ("Colour counties", "分级设色"),
    ("None", "无"),
    ("Projects of the parks shown", "所显示园区的项目"),
    ("Signed investment", "签约投资"),
    ("Sum of", "合计"),
    ("sum", "合计"),
    ("Classes", "分级方法"),
    ("Quantiles", "分位数"),
    ("Equal intervals", "等间距"),
    ("Natural breaks (Jenks)", "自然断点（Jenks）"),
    ("no data", "无数据"),
    ("Measure distance", "测量距离"),
    ("Measure area", "测量面积"),
    ("Stop measuring", "停止测量"),
    ("Distance", "距离"),
    ("Perimeter", "周长"),
    ("Copy", "复制"),
    ("Area: click at least 3 points", "面积：请至少点击 3 个点"),
    (
        "Finished. Click to start again; Esc closes the tool.",
        "已完成。点击可重新开始；Esc 关闭测量工具。",
    ),
    (
        "Click to add points; double-click or Esc to finish.",
        "点击添加点；双击或按 Esc 结束。",
    ),
    (
        "Measure distance or area (geodesic); Esc ends",
        "测量距离或面积（椭球面）；Esc 结束",
    ),
    ("Show or hide the attribute table", "显示或隐藏属性表"),
    (
        "Copy the selected table rows (tab-separated, for Excel)",
        "复制属性表中所选的行（制表符分隔，可粘贴到 Excel）",
    ),
    (
        "Open a GeoJSON, GeoPackage or shapefile (Ctrl+O), or drop one here, to add a layer.",
        "打开 GeoJSON、GeoPackage 或 Shapefile 文件（Ctrl+O），或把文件拖到这里，即可添加图层。",
    ),
    ("Open…", "打开…"),
    ("Show or hide the layer", "显示或隐藏图层"),
    ("Colour", "颜色"),
    ("Fill opacity", "填充不透明度"),
    ("Zoom to layer", "缩放到图层"),
    (
        "Move up (drawn over the others)",
        "上移（绘制在其他图层之上）",
    ),
    ("Move down", "下移"),
    ("Remove layer", "移除图层"),
    (
        "Layers not found (no longer remembered)",
        "找不到以下图层文件（已不再记住）",
    ),
    ("Fit city", "全市视图"),
    ("Zoom in", "放大"),
    ("Zoom out", "缩小"),
    ("national", "国家级"),
    ("provincial", "省级"),
    ("municipal", "市级"),
    ("unknown", "未知"),
    ("agglomeration_zone", "大型产业集聚区（“1”）"),
    ("agglomeration_section", "集聚区片区"),
    ("county_park", "县域省级园区（“N”）"),
    ("park", "园区"),
    ("anchor_site", "龙头项目基地"),
    ("infrastructure", "基础设施"),
    ("designation", "称号/示范"),
    ("County", "所在县区"),
    ("Tier", "级别"),
    ("Role", "定位"),
    ("Parent zone", "所属园区"),
    ("Area", "面积"),
    ("Location", "位置"),
    (
        "approximate location, within about {} km",
        "大致位置，误差约 {} 公里",
    ),
    ("Planned industries", "规划产业"),
    ("Signed projects", "签约项目"),
    ("Project", "项目"),
    ("Investor", "投资方"),
    ("Amount", "金额"),
    ("Year", "年份"),
    ("Status", "状态"),
    ("Status date", "状态日期"),
    ("Targets", "目标"),
    ("Sources", "来源"),
    ("Ref.", "来源"),
    ("Notes", "说明"),
    ("No projects recorded.", "暂无项目记录。"),
    ("No targets recorded.", "暂无目标记录。"),
    ("City overview", "全市概况"),
    ("Signed investment by cluster", "各产业集群签约投资"),
    (
        "CNY only; other currencies are listed below, never added.",
        "仅人民币；其他币种单独列出，不相加。",
    ),
    ("Selected parks", "所选园区"),
    ("Totals", "合计"),
    ("parks", "个园区"),
    ("projects", "个项目"),
    ("with amount", "有金额"),
    ("Investment", "投资"),
    (
        "Only the 2021 conference article makes this claim.",
        "仅 2021 年园区大会报道提及，未见其他来源证实。",
    ),
    (
        "Nothing selected: click a park on the map or in the list.",
        "未选择：请在地图或列表中点击园区。",
    ),
    (
        "Select parks first (click on the map or use “Select all shown”).",
        "请先选择园区（点击地图或使用“全选显示的园区”）。",
    ),
    ("Export", "导出"),
    ("Cancel", "取消"),
    ("Browse…", "浏览…"),
    ("File", "文件"),
    (
        "Format from the extension: .geojson, .csv (CSV also writes NAME-projects.csv) or .gpkg (GeoPackage for QGIS).",
        "格式由扩展名决定：.geojson、.csv（CSV 另写 NAME-projects.csv）或 .gpkg（供 QGIS 使用的 GeoPackage）。",
    ),
    ("Open", "打开"),
    (
        "A parks or counties GeoJSON file; a GeoPackage, shapefile, CSV or Excel table, KML/KMZ, TopoJSON or ECharts map (opened as a layer); or a dataset folder. You can also drop files on the window.",
        "园区或县区 GeoJSON 文件；GeoPackage、Shapefile、CSV 或 Excel 表格、KML/KMZ、TopoJSON 或 ECharts 地图（作为图层打开）；或数据文件夹。也可以把文件拖到窗口上。",
    ),
    ("Problems in the data", "数据问题"),
    ("The data on screen was kept.", "屏幕上的数据保持不变。"),
    ("Loaded with warnings", "已加载（有警告）"),
    ("Close", "关闭"),
    ("Wrote", "已写入"),
    ("Export failed", "导出失败"),
    ("Legend", "图例"),
    ("Add a project", "添加项目"),
    ("Add project", "添加项目"),
    ("Address (URL)", "网址"),
    ("Amount (亿元)", "金额（亿元）"),
    ("Apply change", "应用修改"),
    (
        "Cannot journal the pending changes in",
        "无法把待保存的修改记入日志：",
    ),
    (
        "Changes not saved when Park Atlas last stopped:",
        "上次退出时未保存的修改：",
    ),
    ("Close without saving", "不保存并关闭"),
    ("Date", "日期"),
    ("Discard", "放弃修改"),
    ("Drop them", "丢弃"),
    ("Edit", "编辑"),
    (
        "Edit mode: change the selected park, add projects; every change cites a source (Ctrl+Z undo, Ctrl+S save)",
        "编辑模式：修改所选园区、添加项目；每项修改都须注明来源（Ctrl+Z 撤销，Ctrl+S 保存）",
    ),
    ("Edit park", "编辑园区"),
    ("History", "修改历史"),
    (
        "Select one park on the map or in the list to edit it.",
        "在地图或列表中选择一个园区即可编辑。",
    ),
    (
        "Every change cites a source: choose one of the park's, or give the new source a title or an outlet.",
        "每项修改都须注明来源：选择园区已有的来源，或为新来源填写标题或发布机构。",
    ),
    ("Expected a year (1949–2100)", "应为年份（1949–2100）"),
    (
        "Expected an amount in 亿元 (a number ≥ 0, empty for unknown)",
        "应为以亿元计的金额（≥ 0 的数字；未知请留空）",
    ),
    (
        "Expected an area in km² (a number ≥ 0, empty for unknown)",
        "应为以平方公里计的面积（≥ 0 的数字；未知请留空）",
    ),
    ("Name (Chinese)", "中文名称"),
    ("New source…", "新来源…"),
    ("No pending changes.", "没有待保存的修改。"),
    ("Not saved", "未保存"),
    ("Outlet", "发布机构"),
    ("Pending changes", "待保存的修改"),
    ("Pending changes restored", "已恢复待保存的修改"),
    ("Property", "属性"),
    ("Redo", "重做"),
    ("Reliability", "可靠性"),
    ("Restore them", "恢复"),
    ("Save changes before closing?", "关闭前保存修改？"),
    ("Save into a new folder…", "保存到新文件夹…"),
    (
        "Save or discard the pending changes first.",
        "请先保存或放弃待保存的修改。",
    ),
    ("Saved changes:", "已保存修改："),
    ("Reading the team store", "正在读取团队数据库"),
    ("Team store", "团队数据库"),
    ("Cannot read the team store", "无法读取团队数据库"),
    (
        "Offline: the team store does not answer. You keep working on what was read; pending changes are journaled and saved when it is back.",
        "离线：团队数据库没有响应。可继续使用已读取的数据；待保存的修改已记入日志，数据库恢复后自动保存。",
    ),
    (
        "Changed by a colleague meanwhile, while you edit it:",
        "您正在编辑的园区刚被同事修改：",
    ),
    ("Updated from the team store:", "已从团队数据库更新："),
    (
        "Not saved: colleagues changed the same values meanwhile. Choose for each:",
        "未保存：同事在此期间改动了相同的值。请逐项选择：",
    ),
    (
        "Offline: the changes stay pending (journaled) and are saved when the team store is back.",
        "离线：修改保持待保存（已记入日志），团队数据库恢复后自动保存。",
    ),
    ("Saving to the team store…", "正在保存到团队数据库…"),
    ("Conflicts", "冲突"),
    ("Password", "密码"),
    (
        "The team store asks for the password of",
        "团队数据库要求输入以下账户的密码：",
    ),
    (
        "Kept in memory only, never saved. To skip this question, keep it in ~/.pgpass.",
        "密码只保存在内存中，不会写入磁盘。若不想每次输入，可写在 ~/.pgpass 中。",
    ),
    ("Connect", "连接"),
    (
        "A colleague (or QGIS, or psql) saved these values after you started. Nothing was saved. Choose for each, then save again.",
        "在您开始编辑之后，同事（或 QGIS、psql）保存了这些值。本次未保存任何内容。请逐项选择，然后再次保存。",
    ),
    ("Park", "园区"),
    ("Field", "字段"),
    ("Original", "原值"),
    ("Theirs", "他人的值"),
    ("Mine", "我的值"),
    ("Keep theirs", "保留他人的"),
    ("Use mine", "使用我的"),
    ("Edit…", "编辑…"),
    (
        "Drop my change and put my value in the form, to change their value",
        "放弃我的修改，并把我的值填入表单，在他人的值上修改",
    ),
    (
        "Read only: the role may only view this store; editing needs a role in park_atlas_editor. Role:",
        "只读：此角色只能查看该数据库；编辑需要 park_atlas_editor 中的角色。角色：",
    ),
    (
        "The team store has not been read yet.",
        "团队数据库尚未读取。",
    ),
    ("● saving", "● 正在保存"),
    ("● team store", "● 团队数据库"),
    ("○ offline", "○ 离线"),
    ("○ connecting", "○ 正在连接"),
    ("Saved into", "保存到"),
    ("Source", "来源"),
    (
        "The embedded data cannot be changed: the data with your changes is saved as a new dataset folder (parks, counties, clusters, city-wide figures, land and the change log), used from then on. Open it later with Open data… or --data.",
        "内置数据不能修改：带有您修改的数据将另存为新的数据文件夹（园区、县区、产业集群、全市数据、陆地和修改日志），此后使用该文件夹。以后可通过“打开数据…”或 --data 打开。",
    ),
    (
        "The embedded data: Save asks for a new folder to keep the data in.",
        "内置数据：保存时会请您选择一个新文件夹存放数据。",
    ),
    (
        "There are pending changes. They are kept in a journal and offered back at the next start if you close without saving.",
        "有待保存的修改。若不保存就关闭，修改会记入日志，下次启动时提示恢复。",
    ),
    ("Title", "标题"),
    ("Undo", "撤销"),
    ("Unsaved changes found", "发现未保存的修改"),
    ("Value", "值"),
    ("empty: unknown", "留空表示未知"),
    ("no longer applicable:", "已不适用："),
    ("OK", "确定"),
    ("Save as change set…", "另存为修改集…"),
    ("Apply change set…", "应用修改集…"),
    ("Import projects…", "导入签约项目…"),
    (
        "The pending changes as a change set (JSON, docs/DATA.md): to send for review, or to apply with park-atlas apply. The data is not changed.",
        "把待保存的修改另存为修改集（JSON，见 docs/DATA.md）：可发送审核，或用 park-atlas apply 应用。数据本身不变。",
    ),
    (
        "A change set (JSON): its changes become pending changes, all or none; a change whose data changed meanwhile is refused as a conflict.",
        "修改集（JSON）：其中的修改全部成为待保存的修改，或全部不生效；其间数据已被修改的，按冲突拒绝。",
    ),
    (
        "A signing list (.xlsx, .xls, .ods, .csv) with 项目名称, 投资方, 投资额, 所在园区, 签约时间, 所属产业 (or English headers): rows whose park matches exactly become pending changes; close matches are asked.",
        "签约清单（.xlsx、.xls、.ods、.csv），含 项目名称、投资方、投资额、所在园区、签约时间、所属产业（或英文表头）：园区完全对应的行成为待保存的修改；相近的园区会请您确认。",
    ),
    ("Import: confirm the parks", "导入：确认园区"),
    ("Skip", "跳过"),
    ("Change set written:", "已写出修改集："),
    (
        "Projects imported as pending changes:",
        "已作为待保存修改导入的项目：",
    ),
    ("already there:", "已有："),
    ("to confirm:", "待确认："),
    ("Add a park", "添加园区"),
    ("Add a target", "添加目标"),
    ("Add park", "添加园区"),
    ("Add target", "添加目标"),
    (
        "An id is letters, digits, _ and - only.",
        "编号只能包含字母、数字、_ 和 -。",
    ),
    ("Apply to project", "应用到项目"),
    ("Change a project", "修改项目"),
    ("Delete park…", "删除园区…"),
    (
        "Expected a longitude and a latitude in degrees (WGS-84).",
        "应为以度计的经度和纬度（WGS-84）。",
    ),
    (
        "Expected a number (empty for none)",
        "应为数字（没有请留空）",
    ),
    ("Id (letters, digits, _)", "编号（字母、数字、_）"),
    ("Latitude", "纬度"),
    ("Longitude", "经度"),
    ("Remove project", "删除项目"),
    ("Target (text)", "目标（文字）"),
    ("Unit", "单位"),
    ("Yes, delete it", "确定删除"),
    ("projects go with it", "个项目将一并删除"),
    ("Project to change", "要修改的项目"),
    ("Draw outline…", "绘制轮廓…"),
    (
        "Click the corners on the map; a double click closes the outline (Esc cancels). Corners snap to parks' and counties' corners within 8 px.",
        "在地图上依次点击各个角点；双击闭合轮廓（Esc 取消）。8 像素内的角点会吸附到园区或县区的角点上。",
    ),
    ("Name (English)", "英文名称"),
    ("Amount (亿, in its currency)", "金额（亿，按其币种）"),
    ("Currency (CNY, USD, EUR…)", "币种（CNY、USD、EUR…）"),
    ("Clusters (ids)", "产业集群（编号）"),
    ("Target to remove", "要删除的目标"),
    ("Remove target", "删除目标"),
    ("Area (km²)", "面积（平方公里）"),
    ("Counties (adcodes)", "县区（行政代码）"),
    ("Parent zone (id)", "所属园区（编号）"),
    ("Notes (Chinese)", "说明（中文）"),
    ("Notes (English)", "说明（英文）"),
    (
        "Click the park's place on the map.",
        "请在地图上点击园区的位置。",
    ),
    ("Place it on the map…", "在地图上点选位置…"),
    ("Coordinates", "坐标系"),
    ("Longitude column", "经度列"),
    ("Latitude column", "纬度列"),
    ("Sheet", "工作表"),
    ("found by name", "按列名自动识别"),
    (
        "Columns named lon/lng/经度 and lat/纬度 (or a WKT column) are found by themselves; name them here if they are called something else.",
        "名为 lon/lng/经度 和 lat/纬度 的列（或 WKT 列）会自动识别；列名不同时在此填写。",
    ),
    ("Find out from the file", "根据文件自动判断"),
    (
        "WGS-84 (GPS, OpenStreetMap, Google Earth)",
        "WGS-84（GPS、OpenStreetMap、谷歌地球）",
    ),
    (
        "GCJ-02 (AMap/Gaode, Tencent, DataV)",
        "GCJ-02（高德、腾讯、DataV）",
    ),
    ("BD-09 (Baidu)", "BD-09（百度）"),
    (
        "No project in this data has a known investment amount: there is nothing to chart.",
        "本数据中没有项目有已知的投资金额，无可绘制的图表。",
    ),
    (
        "No investment in yuan to chart; the amounts in other currencies are listed below.",
        "没有人民币投资可绘图；其他币种的金额列于下方。",
    ),
    (
        "Click a row to see the project whole.",
        "点击一行可查看项目的全部信息。",
    ),
    ("As the source words it", "来源原文"),
    ("Amount note", "金额说明"),
    ("Capacity", "产能/规模"),
    ("Show the legend", "展开图例"),
    ("Hide the legend", "收起图例"),
    ("No park in view.", "视图内没有园区。"),
    ("agglomeration zone", "产业集聚区"),
    ("anchor site", "龙头项目基地"),
    (
        "Locations are approximate (halo = uncertainty).",
        "位置为大致位置（光圈表示误差范围）。",
    ),
    ("Facts", "其他信息"),
    (
        "Official code (GB/T 37028-2018)",
        "国标代码（GB/T 37028-2018）",
    ),
    ("Confidence", "可信度"),
    ("2021 article claim", "2021 年报道表述"),
    ("Verification", "核实情况"),
    ("No park matches the filters.", "没有符合筛选条件的园区。"),
    ("selected", "已选"),
    ("2021 article only", "仅见2021年报道"),
    ("Tiles unavailable:", "瓦片不可用："),
    (
        "retrying; built-in basemap shown beneath",
        "正在重试；下方显示内置底图",
    ),
    ("corrupt cache entries replaced", "个损坏的缓存瓦片已替换"),
    ("Basemap", "底图"),
    ("Built-in (offline)", "内置（离线）"),
    ("AMap 高德 (GCJ-02)", "高德地图（GCJ-02）"),
    ("Custom XYZ…", "自定义 XYZ…"),
    ("Tiles folder…", "本地瓦片（文件夹或 .pmtiles）…"),
    (
        "A folder of {z}/{x}/{y}.png|jpg|webp tiles, or a .pmtiles file of raster tiles.",
        "{z}/{x}/{y}.png|jpg|webp 瓦片文件夹，或栅格 .pmtiles 文件。",
    ),
    ("Clear tile cache", "清除瓦片缓存"),
    ("URL template", "URL 模板"),
    ("Attribution", "版权说明"),
    ("Apply", "应用"),
    ("Folder", "文件夹"),
    ("Tile cache cleared", "瓦片缓存已清除"),
    ("100 m CNY (亿元)", "亿元（人民币）"),
    ("error(s)", "个错误"),
    ("other features", "个其他要素"),
    ("enterprises", "家企业"),
    ("Feature properties", "要素属性"),
    ("No properties.", "没有属性。"),
    ("Mouse and keyboard", "鼠标与键盘"),
    ("Drag", "拖动"),
    ("Pan the map", "平移地图"),
    ("Mouse wheel, pinch, + / −", "滚轮、双指缩放、+ / −"),
    ("Zoom", "缩放"),
    ("Click a park", "点击园区"),
    ("Select it; details open on the right", "选中，右侧显示详情"),
    ("Ctrl/Shift-click", "Ctrl/Shift + 点击"),
    ("Shift + drag", "Shift + 拖动"),
    ("Fit selection", "缩放到所选"),
    ("Exporting", "正在导出"),
    ("Saving", "正在保存"),
    (
        "An export is still being written; try again when it is done.",
        "上一次导出仍在写出，请完成后再试。",
    ),
    ("Fit the map to the selected parks", "地图缩放到所选园区"),
    (
        "Add the shown parks in the rectangle to the selection",
        "把矩形内显示的园区加入选择",
    ),
    (
        "Add a park to the selection or remove it",
        "加入或移出所选园区",
    ),
    ("Click on empty map", "点击地图空白处"),
    ("Clear the selection", "清除选择"),
    ("Hover", "悬停"),
    (
        "Name, county and clusters of the park",
        "园区名称、所在县区和产业集群",
    ),
    (
        "Open data (or drop files on the window)",
        "打开数据（或把文件拖到窗口上）",
    ),
    ("Export the selected parks", "导出所选园区"),
    ("Confirm a path dialog", "确认路径对话框"),
    (
        "Close dialogs, then clear the selection",
        "先关闭对话框，再清除选择",
    ),
    ("This help", "本帮助"),
    ("Show the whole city again", "重新显示全市"),
    ("Loading…", "正在加载…"),
    ("features", "个要素"),
    ("Reading the file…", "正在读取文件…"),
    (
        "Loading cancelled; the data on screen was kept.",
        "已取消加载，屏幕上的数据保持不变。",
    ),
    (
        "Preparing shapes for this zoom level…",
        "正在准备此缩放级别的图形…",
    ),
    ("Name a file or folder first.", "请先填写文件或文件夹路径。"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_has_its_own_text_and_falls_back_to_english() {
        assert_eq!(Lang::Zh.tr("Filters"), "筛选");
        assert_eq!(Lang::En.tr("Filters"), "Filters");
        assert_eq!(Lang::Zh.tr("no such text"), "no such text");
    }

    #[test]
    fn roles_and_tiers_have_names_in_both_languages() {
        use crate::model::{Role, Tier};
        for r in Role::ALL {
            assert_ne!(Lang::En.role(r), r.as_str());
            assert_ne!(Lang::Zh.role(r), r.as_str());
        }
        for t in Tier::ALL {
            assert_ne!(Lang::En.tier(t), t.as_str());
            assert_ne!(Lang::Zh.tier(t), t.as_str());
        }
    }

    /// The English keys of every `.tr("…")` call in the non-test code of `src/`.
    fn keys_used_in_the_code() -> std::collections::BTreeSet<String> {
        crate::source_scan::literals_after(".tr(")
            .into_iter()
            .collect()
    }

    #[test]
    fn every_text_the_code_shows_has_a_chinese_entry() {
        let keys = keys_used_in_the_code();
        assert!(keys.len() > 80, "the scan found only {} keys", keys.len());
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !ZH.iter().any(|(e, _)| e == k))
            .collect();
        assert!(missing.is_empty(), "no Chinese for {missing:?}");
    }

    #[test]
    fn every_entry_of_the_table_is_used() {
        use crate::model::{Role, Tier};
        let mut used = keys_used_in_the_code();
        used.extend(Role::ALL.iter().map(|r| r.as_str().to_owned()));
        used.extend(Tier::ALL.iter().map(|t| t.as_str().to_owned()));
        used.extend(UNITS.iter().map(|u| (*u).to_owned()));
        used.extend(crate::model::QUALIFIERS.iter().map(|q| (*q).to_owned()));
        let unused: Vec<&str> = ZH
            .iter()
            .map(|(e, _)| *e)
            .filter(|e| !used.contains(*e))
            .collect();
        assert!(unused.is_empty(), "never shown: {unused:?}");
    }

    #[test]
    fn no_english_text_is_listed_twice() {
        let mut seen = std::collections::HashSet::new();
        for (en, _) in ZH {
            assert!(seen.insert(en), "{en} listed twice");
        }
    }
}
