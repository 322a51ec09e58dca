"""Who has answered a consultation against the municipality's population: the selectors
(selectors.py) and the chart (chart.py); the page is consultations.views.representation."""
