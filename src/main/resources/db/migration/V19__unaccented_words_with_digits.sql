-- Words joined to digits ('1ère', '2ème-classe') went to the simple dictionary with their accents,
-- so a search for '1ere' missed '1ère' although accents are ignored everywhere else. They are
-- unaccented too from now on.
ALTER TEXT SEARCH CONFIGURATION coffre_fr
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;

-- The vectors written before keep those accented lexemes until the workers rewrite them, a batch
-- at a time in document_id order (index.SearchVectorRewrite): on a large table, a rewrite here
-- would hold the service's start for hours. Only lexemes with a digit change: every other one
-- came from a dictionary that had already unaccented it, or has no letter to unaccent.
CREATE FUNCTION unaccent_digit_lexemes(vector tsvector) RETURNS tsvector
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        -- Most vectors have no such lexeme, and looking costs a tenth of rebuilding.
        WHEN NOT EXISTS (SELECT 1 FROM unnest(tsvector_to_array(vector)) AS l(lexeme)
                         WHERE lexeme ~ '[0-9]' AND lexeme ~ '[^\x01-\x7f]')
        THEN vector
        ELSE (SELECT coalesce(string_agg(
                  '''' || replace(replace(CASE WHEN lexeme ~ '[0-9]' THEN unaccent(lexeme) ELSE lexeme END,
                                          '\', '\\'), '''', '''''') || ''''
                  || coalesce(':' || (SELECT string_agg(p::text || w, ',') FROM unnest(positions, weights) AS x(p, w)), ''),
                  ' '), '')::tsvector
              FROM unnest(vector))
        END
$$;

CREATE TABLE search_vector_rewrite (
    name        text PRIMARY KEY,
    after       uuid,        -- the last document_id rewritten; null: none yet
    finished_at timestamptz  -- null while rows remain
);
INSERT INTO search_vector_rewrite (name, finished_at)
    SELECT 'unaccented-words-with-digits', CASE WHEN EXISTS (SELECT 1 FROM document_index) THEN NULL ELSE now() END;
