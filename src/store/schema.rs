//! The team store's schema, as versioned migrations: `MIGRATIONS[i]` takes a store from
//! version `i` to `i + 1`. A store records its version in `park_atlas_schema`; a store newer
//! than this program is refused (see [`super::Store::connect`]).

/// The schema version this program writes and reads.
pub const VERSION: i32 = MIGRATIONS.len() as i32;

/// The migrations, oldest first. Never change one that was released: add another.
pub const MIGRATIONS: &[&str] = &[V1];

/// Version 1: parks with a column per scalar field and the geometry in EPSG:4326; projects,
/// targets and sources; a `version` on every row, bumped by trigger on each update (QGIS's
/// and psql's too); a change log filled by trigger; NOTIFY `park_atlas` with the park id.
const V1: &str = r#"
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE parks (
  id text PRIMARY KEY CHECK (id <> ''),
  name_zh text,
  name_en text,
  county_adcodes text[],
  tier text CHECK (tier IN ('national', 'provincial', 'municipal', 'unknown')),
  role text CHECK (role IN ('agglomeration_zone', 'agglomeration_section', 'county_park', 'park',
                            'anchor_site', 'infrastructure', 'designation')),
  parent_id text,
  area_km2 double precision CHECK (area_km2 >= 0),
  clusters text[],
  location_accuracy_km double precision CHECK (location_accuracy_km >= 0),
  tier_detail text, tier_detail_zh text,
  official_code text,
  area_note text, area_note_zh text,
  clusters_note text, clusters_note_zh text,
  location_note text, location_note_zh text,
  confidence text, confidence_zh text,
  notes text, notes_zh text,
  county_text text, county_text_zh text,
  name_alias text, name_alias_zh text,
  extra json NOT NULL DEFAULT '{}',
  keys text[],
  position double precision NOT NULL DEFAULT 0,
  geom geometry(Geometry, 4326),
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX parks_geom ON parks USING gist (geom);

CREATE TABLE projects (
  row_id bigserial PRIMARY KEY,
  park_id text NOT NULL REFERENCES parks (id) ON DELETE CASCADE ON UPDATE CASCADE,
  position double precision NOT NULL,
  name_zh text, name_en text,
  investor text, investor_zh text,
  amount double precision CHECK (amount >= 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  year integer,
  status text, status_zh text,
  status_date text, status_date_zh text,
  clusters text[],
  source_ids text[],
  scope text CHECK (scope IN ('park', 'city_wide')),
  amount_text text,
  amount_qualifier text CHECK (amount_qualifier IN ('about', 'more than', 'at least', 'up to')),
  amount_note text, amount_note_zh text,
  capacity text,
  note text, note_zh text,
  extra json NOT NULL DEFAULT '{}',
  keys text[],
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX projects_park ON projects (park_id, position);

CREATE TABLE targets (
  row_id bigserial PRIMARY KEY,
  park_id text NOT NULL REFERENCES parks (id) ON DELETE CASCADE ON UPDATE CASCADE,
  position double precision NOT NULL,
  year integer,
  metric text,
  value double precision,
  unit text,
  text text, text_zh text,
  value_qualifier text CHECK (value_qualifier IN ('about', 'more than', 'at least', 'up to')),
  note text, note_zh text,
  source_ids text[],
  extra json NOT NULL DEFAULT '{}',
  keys text[],
  version bigint NOT NULL DEFAULT 1
);
CREATE INDEX targets_park ON targets (park_id, position);

CREATE TABLE sources (
  park_id text NOT NULL REFERENCES parks (id) ON DELETE CASCADE ON UPDATE CASCADE,
  key text NOT NULL,
  position double precision NOT NULL DEFAULT 0,
  title text,
  outlet text, outlet_zh text,
  date text, date_zh text,
  url text,
  quality text, quality_zh text,
  extra json NOT NULL DEFAULT '{}',
  keys text[],
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (park_id, key)
);

-- The dataset's other files (counties.geojson, clusters.json, citywide.json, land.geojson),
-- as they were pushed.
CREATE TABLE dataset_files (
  name text PRIMARY KEY,
  body bytea NOT NULL,
  version bigint NOT NULL DEFAULT 1
);

-- Every row change, by trigger: who (the database role), when, which row, from, to (only the
-- columns that changed).
CREATE TABLE change_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  who text NOT NULL DEFAULT current_user,
  table_name text NOT NULL,
  park_id text,
  row_key text,
  op text NOT NULL,
  from_value jsonb,
  to_value jsonb,
  change_set text
);
CREATE INDEX change_log_park ON change_log (park_id, seq);

-- What Park Atlas applied, one row per change of a change set (the folder's changes.jsonl).
CREATE TABLE edits (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  who text NOT NULL DEFAULT current_user,
  entry jsonb NOT NULL
);

CREATE FUNCTION park_atlas_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;

CREATE FUNCTION park_atlas_log() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE
  o jsonb; n jsonb; k text; d_from jsonb := '{}'; d_to jsonb := '{}';
  park text; rkey text;
BEGIN
  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' THEN
    FOR k IN SELECT jsonb_object_keys(n) LOOP
      IF k <> 'version' AND (o -> k) IS DISTINCT FROM (n -> k) THEN
        d_from := d_from || jsonb_build_object(k, o -> k);
        d_to := d_to || jsonb_build_object(k, n -> k);
      END IF;
    END LOOP;
    IF d_to = '{}' THEN RETURN NULL; END IF;
  ELSE
    d_from := o; d_to := n;
  END IF;
  IF TG_TABLE_NAME = 'parks' THEN
    park := coalesce(n ->> 'id', o ->> 'id'); rkey := park;
  ELSIF TG_TABLE_NAME = 'sources' THEN
    park := coalesce(n ->> 'park_id', o ->> 'park_id'); rkey := coalesce(n ->> 'key', o ->> 'key');
  ELSIF TG_TABLE_NAME = 'dataset_files' THEN
    rkey := coalesce(n ->> 'name', o ->> 'name');
  ELSE
    park := coalesce(n ->> 'park_id', o ->> 'park_id'); rkey := coalesce(n ->> 'row_id', o ->> 'row_id');
  END IF;
  INSERT INTO change_log (table_name, park_id, row_key, op, from_value, to_value, change_set)
  VALUES (TG_TABLE_NAME, park, rkey, TG_OP, d_from, d_to,
          nullif(current_setting('park_atlas.change_set', true), ''));
  PERFORM pg_notify('park_atlas', coalesce(park, ''));
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['parks', 'projects', 'targets', 'sources', 'dataset_files'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION park_atlas_bump()', t || '_version', t);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION park_atlas_log()', t || '_log', t);
  END LOOP;
END $$;

-- Roles an office grants to its planners: readers view, editors change the data (the change
-- log is written by the trigger only).
DO $$
BEGIN
  BEGIN
    CREATE ROLE park_atlas_reader NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE park_atlas_editor NOLOGIN IN ROLE park_atlas_reader;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END $$;
GRANT SELECT ON parks, projects, targets, sources, dataset_files, change_log, edits, park_atlas_schema
  TO park_atlas_reader;
GRANT INSERT, UPDATE, DELETE ON parks, projects, targets, sources TO park_atlas_editor;
GRANT INSERT ON edits TO park_atlas_editor;
GRANT USAGE ON SEQUENCE projects_row_id_seq, targets_row_id_seq, edits_seq_seq TO park_atlas_editor;
"#;
