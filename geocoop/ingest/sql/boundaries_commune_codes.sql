-- The codes of the communes already loaded (the plan tells new ones from updates).
SELECT code FROM territory WHERE level = 'commune'
