-- Staff's own texts of a circular (ctcgw(8), circular create --text-file):
-- one a language, in the order given; the circular's template is then ''.
-- subject and body are template text, placeholders checked when stored.
CREATE TABLE circular_texts (
  circular_id INTEGER NOT NULL REFERENCES circulars (id),
  position INTEGER NOT NULL,   -- 0 for the first text given
  language TEXT NOT NULL,      -- one of ar, en, es, fr, ru, zh
  subject TEXT,                -- the text's own "Subject:" line; NULL: none
  body TEXT NOT NULL,
  PRIMARY KEY (circular_id, language)
);
