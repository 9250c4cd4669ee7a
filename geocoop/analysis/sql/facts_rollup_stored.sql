-- Is the roll-up of kind set :k stored? (its France row stands for the whole set)
SELECT EXISTS (
    SELECT 1 FROM analysis_rollup
    WHERE kinds = :k AND rule = 'any' AND level = 'france' AND parent_level = '' AND code = 'FR'
)
