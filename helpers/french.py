"""What helpers say, in French: each English sentence of the code (the key) and its French (the value), with the
same {placeholders}. helpers.language uses it in the French edition; tests/test_french_edition.py checks that
every sentence has its French and that the two editions' outputs say the same thing. Terms follow the glossary
in README.fr.md."""

FRENCH = {
    # the setup line
    "Mode: replay ({answers}) · {model}{scenario}": "Mode : replay ({answers}) · {model}{scenario}",
    "Mode: local (Ollama at {ollama}{saving}) · {model} (Ollama tag {tag}){scenario}": (
        "Mode : local (Ollama à {ollama}{saving}) · {model} (tag Ollama {tag}){scenario}"
    ),
    "Mode: {mode} · endpoint {where}{saving} · {model}{scenario}": (
        "Mode : {mode} · point de terminaison {where}{saving} · {model}{scenario}"
    ),
    "Mode: replay in your browser ({answers}) · {model}{scenario}": (
        "Mode : replay dans votre navigateur ({answers}) · {model}{scenario}"
    ),
    " · scenario {scenario}": " · scénario {scenario}",
    " ignored (scenarios are recorded for replay only)": (
        " ignoré (les scénarios sont enregistrés pour le mode replay seulement)"
    ),
    " (retired 2026-07-30: set GITHUB_MODELS_ENDPOINT)": (
        " (retiré le 30 juillet 2026 : définissez GITHUB_MODELS_ENDPOINT)"
    ),
    "saving to {folder}/": "enregistre dans {folder}/",
    "recorded answers": "réponses enregistrées",
    "synthetic answers": "réponses synthétiques",
    "recorded and synthetic answers": "réponses enregistrées et synthétiques",
    # settings that cannot work
    "GITHUB_MODELS_MODE={mode!r} is not a mode. Use replay (the default: offline, recorded answers), local (a "
    "Phi-3 running under Ollama on this machine), live (a real endpoint) or record (live, saving each answer for "
    "replay).": (
        "GITHUB_MODELS_MODE={mode!r} n'est pas un mode. Utilisez replay (par défaut : hors ligne, réponses "
        "enregistrées), local (un Phi-3 qui tourne sous Ollama sur cette machine), live (un vrai point de "
        "terminaison) ou record (en direct, en enregistrant chaque réponse pour le mode replay)."
    ),
    "GITHUB_MODELS_MODE={mode} needs a server on your machine, and a browser tab cannot run one. Here, use replay "
    "mode (the default: unset GITHUB_MODELS_MODE) or live mode with an endpoint that accepts requests from web "
    "pages. For that mode, open this lesson in JupyterLab on your computer (make lab) or in a Codespace (for local "
    "mode, the one with Ollama).": (
        "GITHUB_MODELS_MODE={mode} a besoin d'un serveur sur votre machine, et un onglet de navigateur ne peut pas "
        "en faire tourner. Ici, utilisez le mode replay (par défaut : supprimez GITHUB_MODELS_MODE) ou le mode "
        "live avec un point de terminaison qui accepte les requêtes des pages web. Pour ce mode, ouvrez cette leçon "
        "dans JupyterLab sur votre ordinateur (make lab) ou dans un Codespace (pour le mode local, celui avec "
        "Ollama)."
    ),
    "GITHUB_MODELS_LANG={chosen!r} is not a language of these lessons. Use en or fr, or unset it: helpers then "
    "speak the notebook's language (French in notebooks/fr/, English elsewhere).": (
        "GITHUB_MODELS_LANG={chosen!r} n'est pas une langue de ces leçons. Utilisez en ou fr, ou supprimez la "
        "variable : les helpers affichent alors leurs messages dans la langue du notebook (le français dans "
        "notebooks/fr/, l'anglais ailleurs)."
    ),
    "is not an http(s) URL": "n'est pas une URL http(s)",
    "has a query or fragment": "contient une chaîne de requête (?…) ou un fragment (#…)",
    "includes the route: the SDK adds /chat/completions itself": (
        "contient la route : le SDK ajoute lui-même /chat/completions"
    ),
    "{source}={endpoint!r} {problem}. Set it to the base URL of a compatible service, for example "
    "https://models.github.ai/inference or https://<resource>.services.ai.azure.com/models.": (
        "{source}={endpoint!r} {problem}. Donnez-lui l'URL de base d'un service compatible, par exemple "
        "https://models.github.ai/inference ou https://<resource>.services.ai.azure.com/models."
    ),
    "GITHUB_MODELS_MODE={mode} needs a key in GITHUB_TOKEN, and it is not set. Export it in the shell that starts "
    "Jupyter (Actions and Codespaces set GITHUB_TOKEN themselves), or set GITHUB_MODELS_MODE=replay to continue "
    "offline.": (
        "GITHUB_MODELS_MODE={mode} a besoin d'une clé dans GITHUB_TOKEN, et elle n'est pas définie. Exportez-la "
        "dans le shell qui lance Jupyter (Actions et Codespaces définissent GITHUB_TOKEN eux-mêmes), ou "
        "définissez GITHUB_MODELS_MODE=replay pour continuer hors ligne."
    ),
    "The cassette folder {folder!r} holds no *.json cassettes, so replay has nothing to answer with. Unset "
    "GITHUB_MODELS_CASSETTES to use the recordings shipped with the lessons.": (
        "Le dossier d'enregistrements {folder!r} ne contient aucun fichier *.json : le mode replay n'a rien pour "
        "répondre. Supprimez GITHUB_MODELS_CASSETTES pour utiliser les enregistrements fournis avec les leçons."
    ),
    "GITHUB_MODELS_MODEL={model!r} has no recordings to replay. Recorded models: {models}. Unset "
    "GITHUB_MODELS_MODEL, or ask a real model: local mode (GITHUB_MODELS_MODE=local, Phi-3 under Ollama on this "
    "machine) or live mode.": (
        "GITHUB_MODELS_MODEL={model!r} n'a aucun enregistrement à rejouer. Modèles enregistrés : {models}. "
        "Supprimez GITHUB_MODELS_MODEL, ou interrogez un vrai modèle : mode local (GITHUB_MODELS_MODE=local, "
        "Phi-3 sous Ollama sur cette machine) ou mode live."
    ),
    "settings(scenario={scenario!r}): replay has no such scenario. Recorded scenarios: {scenarios}.": (
        "settings(scenario={scenario!r}) : le mode replay n'a pas ce scénario. Scénarios enregistrés : {scenarios}."
    ),
    "none": "aucun",
    "Local mode cannot use its cassette folder: {error}": (
        "Le mode local ne peut pas utiliser son dossier d'enregistrements : {error}"
    ),
    "Record mode cannot use its cassette folder: {error}": (
        "Le mode record ne peut pas utiliser son dossier d'enregistrements : {error}"
    ),
    # check()
    '✓ The endpoint answers: {model} said "{answer}".': "✓ Le point de terminaison répond : {model} a répondu « {answer} ».",
    # explanations of failed requests
    "What to do: {advice}": "Que faire : {advice}",
    "the replay server": "le serveur de relecture",
    "the service": "le service",
    "{cause}, or {offline}.": "{cause}, ou {offline}.",
    "set GITHUB_MODELS_MODE=replay to continue offline": (
        "définissez GITHUB_MODELS_MODE=replay pour continuer hors ligne"
    ),
    "The client was closed (client.close(), or the end of its with block): re-run the cell that builds the "
    "client, then this one.": (
        "Le client a été fermé (client.close(), ou la fin de son bloc with) : réexécutez la cellule qui crée le "
        "client, puis celle-ci."
    ),
    "Cannot reach {host}: the host does not answer ({error}). Check GITHUB_MODELS_ENDPOINT and your network": (
        "Impossible de joindre {host} : l'hôte ne répond pas ({error}). Vérifiez GITHUB_MODELS_ENDPOINT et votre "
        "réseau"
    ),
    "The browser could not reach {host}. Either the host is down, or it does not accept requests from web pages "
    "(CORS): a browser lets a page call another site only if that site allows it. Use an endpoint that allows "
    "them, or run this lesson in JupyterLab (make lab) or a Codespace, where CORS does not apply": (
        "Le navigateur n'a pas pu joindre {host}. Soit l'hôte est hors service, soit il n'accepte pas les requêtes "
        "des pages web (CORS) : un navigateur ne laisse une page appeler un autre site que si ce site l'autorise. "
        "Utilisez un point de terminaison qui les autorise, ou lancez cette leçon dans JupyterLab (make lab) ou "
        "dans un Codespace, où CORS ne s'applique pas"
    ),
    "In the browser, the SDK's async client works in replay mode only, so it cannot call {host}. Here, use the "
    "synchronous client, azure.ai.inference.ChatCompletionsClient, or run this lesson in JupyterLab (make lab) or a "
    "Codespace.": (
        "Dans le navigateur, le client asynchrone du SDK ne fonctionne qu'en mode replay : il ne peut pas appeler "
        "{host}. Ici, utilisez le client synchrone, azure.ai.inference.ChatCompletionsClient, ou lancez cette leçon "
        "dans JupyterLab (make lab) ou dans un Codespace."
    ),
    "HTTP 401: {host} refused the key in GITHUB_TOKEN. Check that it is current and allowed to use models (a "
    "fine-grained token needs the models: read permission)": (
        "HTTP 401 : {host} a refusé la clé de GITHUB_TOKEN. Vérifiez qu'elle est valide et autorisée à utiliser "
        "les modèles (un jeton à granularité fine a besoin de la permission models : read)"
    ),
    "HTTP 403: {host} refused the key in GITHUB_TOKEN for this model. Check the token's permissions": (
        "HTTP 403 : {host} a refusé la clé de GITHUB_TOKEN pour ce modèle. Vérifiez les permissions du jeton"
    ),
    "HTTP 404: {host} does not know model {model!r} (or the endpoint path is wrong). Check the model name "
    "(GITHUB_MODELS_MODEL, or the model= your code passes) and GITHUB_MODELS_ENDPOINT": (
        "HTTP 404 : {host} ne connaît pas le modèle {model!r} (ou le chemin du point de terminaison est faux). "
        "Vérifiez le nom du modèle (GITHUB_MODELS_MODEL, ou le model= que passe votre code) et "
        "GITHUB_MODELS_ENDPOINT"
    ),
    "HTTP 410 Gone: {host} is retired (GitHub Models shut down on 2026-07-30). Point GITHUB_MODELS_ENDPOINT at a "
    "live compatible service": (
        "HTTP 410 Gone : {host} est retiré (GitHub Models s'est arrêté le 30 juillet 2026). Faites pointer "
        "GITHUB_MODELS_ENDPOINT vers un service compatible en activité"
    ),
    "HTTP 413: the request is larger than the model accepts (the free tier took 8000 tokens in). Send less: "
    "shorten or trim the messages": (
        "HTTP 413 : la requête dépasse ce qu'accepte le modèle (l'offre gratuite acceptait au plus 8 000 jetons en "
        "entrée). Envoyez moins : raccourcissez ou élaguez les messages"
    ),
    "HTTP 429: rate limit reached. Wait {wait} before the next request, or send fewer requests per minute and "
    "per day": (
        "HTTP 429 : limite de débit atteinte. Attendez {wait} avant la requête suivante, ou envoyez moins de "
        "requêtes par minute et par jour"
    ),
    "{seconds} s": "{seconds} s",
    "a minute": "une minute",
    "HTTP 400: the content filter blocked this request (filtered: {categories}). Rephrase it; the filters could "
    "not be turned off on GitHub Models (a paid Azure deployment lets you configure them)": (
        "HTTP 400 : le filtre de contenu a bloqué cette requête (filtré : {categories}). Reformulez-la ; les "
        "filtres ne pouvaient pas être désactivés sur GitHub Models (un déploiement Azure payant permet de les "
        "configurer)"
    ),
    # replay misses
    "No recording for this request{where} (model {model!r}, last user message {question!r}).{nearest} Replay "
    "answers only the requests the lessons make, exactly as written: re-run the lesson's cell unchanged. To ask "
    "anything, use a real model: Phi-3 on this machine (GITHUB_MODELS_MODE=local, lesson 00), or a live endpoint "
    "(GITHUB_MODELS_MODE=live with GITHUB_TOKEN and GITHUB_MODELS_ENDPOINT). To record the answer for replay, use "
    "GITHUB_MODELS_MODE=record with those two settings: it is saved as a cassette in the GITHUB_MODELS_CASSETTES "
    "folder and replayed after a kernel restart.": (
        "Aucun enregistrement pour cette requête{where} (modèle {model!r}, dernier message utilisateur "
        "{question!r}).{nearest} Le mode replay ne répond qu'aux requêtes que font les leçons, telles qu'elles "
        "sont écrites : réexécutez la cellule de la leçon sans la modifier. Pour poser n'importe quelle question, "
        "utilisez un vrai modèle : Phi-3 sur cette machine (GITHUB_MODELS_MODE=local, leçon 00), ou un point de "
        "terminaison en direct (GITHUB_MODELS_MODE=live avec GITHUB_TOKEN et GITHUB_MODELS_ENDPOINT). Pour "
        "enregistrer la réponse et la rejouer, utilisez GITHUB_MODELS_MODE=record avec ces deux réglages : elle "
        "est enregistrée dans le dossier GITHUB_MODELS_CASSETTES et rejouée après un redémarrage du noyau."
    ),
    "No embeddings recorded for this request{where} (model {model!r}, input {question!r}).{nearest} Replay "
    "answers only the requests the lessons make, exactly as written: re-run the lesson's cell unchanged. To embed "
    "anything, use a live endpoint (GITHUB_MODELS_MODE=live with GITHUB_TOKEN and GITHUB_MODELS_ENDPOINT) or an "
    "embedding model on this machine (GITHUB_MODELS_MODE=local). To record the answer for replay, use "
    "GITHUB_MODELS_MODE=record with those two settings: it is saved as a cassette in the GITHUB_MODELS_CASSETTES "
    "folder and replayed after a kernel restart.": (
        "Aucun plongement enregistré pour cette requête{where} (modèle {model!r}, entrée {question!r}).{nearest} "
        "Le mode replay ne répond qu'aux requêtes que font les leçons, telles qu'elles sont écrites : réexécutez "
        "la cellule de la leçon sans la modifier. Pour calculer n'importe quel plongement, utilisez un point de "
        "terminaison en direct (GITHUB_MODELS_MODE=live avec GITHUB_TOKEN et GITHUB_MODELS_ENDPOINT) ou un modèle "
        "de plongement sur cette machine (GITHUB_MODELS_MODE=local). Pour enregistrer la réponse et la rejouer, "
        "utilisez GITHUB_MODELS_MODE=record avec ces deux réglages : elle est enregistrée dans le dossier "
        "GITHUB_MODELS_CASSETTES et rejouée après un redémarrage du noyau."
    ),
    " in scenario {scenario!r}": " dans le scénario {scenario!r}",
    " The closest recording, {name}.json, differs in {differences}.": (
        " L'enregistrement le plus proche, {name}.json, diffère par {differences}."
    ),
    "{key} (recorded {recorded}, sent {sent})": "{key} (enregistré {recorded}, envoyé {sent})",
    "the number of messages (recorded {recorded}, sent {sent})": (
        "le nombre de messages (enregistré {recorded}, envoyé {sent})"
    ),
    "message {n} (the {role} message)": "le message {n} (rôle {role})",
    "message {n}": "le message {n}",
    # local mode
    "start it (run `ollama serve` in a terminal, or open the Ollama app)": (
        "démarrez-le (lancez `ollama serve` dans un terminal, ou ouvrez l'application Ollama)"
    ),
    "⚠ Ollama does not answer at {where}: {start}, then re-run this cell.": (
        "⚠ Ollama ne répond pas sur {where} : {start}, puis réexécutez cette cellule."
    ),
    "⚠ Ollama at {where} does not have {tag}: {advice}.": "⚠ Ollama à {where} n'a pas {tag} : {advice}.",
    "Ollama at {where} does not have {tag}: {advice}.": "Ollama à {where} n'a pas {tag} : {advice}.",
    "pull it once with `ollama pull {tag}`{size}, then run the cell again": (
        "téléchargez-le une fois avec `ollama pull {tag}`{size}, puis réexécutez la cellule"
    ),
    " (about {size})": " (environ {size})",
    ", about {size}": ", environ {size}",
    "Ollama at {where} has no model {tag!r}. Check the name (`ollama list` shows what is pulled; the lessons' "
    "models are {choices}), or, if Ollama's library has it, {advice}.": (
        "Ollama à {where} n'a pas de modèle {tag!r}. Vérifiez le nom (`ollama list` montre les modèles "
        "téléchargés ; ceux des leçons sont {choices}) ou, si la bibliothèque d'Ollama l'a, {advice}."
    ),
    "Ollama does not answer at {where}: {start}, then run the cell again. Check OLLAMA_HOST if it listens "
    "elsewhere, or {offline}.": (
        "Ollama ne répond pas sur {where} : {start}, puis réexécutez la cellule. Vérifiez OLLAMA_HOST s'il écoute "
        "ailleurs, ou {offline}."
    ),
    "Ollama does not answer at {where}: {start}, then run this cell again.": (
        "Ollama ne répond pas sur {where} : {start}, puis réexécutez cette cellule."
    ),
    "OLLAMA_HOST={text!r} is not where Ollama listens. Use host:port or a URL, for example localhost:11434 or "
    "http://localhost:11434 (unset it for that default).": (
        "OLLAMA_HOST={text!r} n'est pas une adresse où Ollama écoute. Utilisez hôte:port ou une URL, par exemple "
        "localhost:11434 ou http://localhost:11434 (supprimez la variable pour cette valeur par défaut)."
    ),
    "{model} is a chat model, and Ollama computes embeddings only with an embedding model (it starts a model's "
    "runner for embeddings only when the model file has a pooling layer, which Phi models lack). Ask an embedding "
    'model instead, for example embeddinggemma: `ollama pull embeddinggemma`, then pass model="embeddinggemma" to '
    "the embeddings call.": (
        "{model} est un modèle de conversation, et Ollama ne calcule de plongements qu'avec un modèle de "
        "plongement (il ne lance l'exécution d'un modèle pour des plongements que si son fichier a une couche de "
        "pooling, ce qui manque aux modèles Phi). Demandez plutôt un modèle de plongement, par exemple "
        'embeddinggemma : `ollama pull embeddinggemma`, puis passez model="embeddinggemma" à l\'appel des '
        "plongements."
    ),
    "{model} has no local build (llama.cpp cannot convert Phi-3-small's block-sparse attention, so Ollama has "
    "none). Use one that runs locally: {choices}; set GITHUB_MODELS_MODEL to it, or unset it for "
    "Phi-3-mini-4k-instruct.": (
        "{model} n'a pas de version locale (llama.cpp ne sait pas convertir l'attention parcimonieuse par blocs de "
        "Phi-3-small, donc Ollama n'en a pas). Prenez un modèle qui tourne en local : {choices} ; mettez-le dans "
        "GITHUB_MODELS_MODEL, ou supprimez la variable pour Phi-3-mini-4k-instruct."
    ),
    "This prompt is about {tokens} tokens, more than the {limit} tokens {tag} gets in Ollama, which would "
    "silently drop its beginning instead of refusing it. Send less, or {remedy}, and set it where Jupyter runs "
    "too, so local mode knows.": (
        "Cette invite fait environ {tokens} jetons, plus que les {limit} jetons dont dispose {tag} dans Ollama, "
        "qui en couperait le début sans rien dire au lieu de la refuser. Envoyez moins, ou {remedy}, et "
        "définissez la variable aussi là où tourne Jupyter, pour que le mode local le sache."
    ),
    "start Ollama with OLLAMA_CONTEXT_LENGTH={length} ({tag} was trained on {trained} tokens)": (
        "démarrez Ollama avec OLLAMA_CONTEXT_LENGTH={length} ({tag} a été entraîné sur {trained} jetons)"
    ),
    "use a 128k model (Phi-3-mini-128k-instruct: `ollama pull phi3:mini-128k`) with Ollama started with "
    "OLLAMA_CONTEXT_LENGTH=32768": (
        "prenez un modèle 128k (Phi-3-mini-128k-instruct : `ollama pull phi3:mini-128k`) avec Ollama démarré avec "
        "OLLAMA_CONTEXT_LENGTH=32768"
    ),
    "no local build": "pas de version locale",
    "not pulled (ollama pull {tag}{size})": "pas téléchargé (ollama pull {tag}{size})",
    "Nothing to compare: Ollama at {where} has none of these models. Pull one first: make local-model (phi3:mini, "
    "about 2.2 GB), then run this cell again.": (
        "Rien à comparer : Ollama à {where} n'a aucun de ces modèles. Téléchargez-en un d'abord : make "
        "local-model (phi3:mini, environ 2,2 Go), puis réexécutez cette cellule."
    ),
    # helpers.client()'s bounded retries
    " (about {hours} hours)": " (environ {hours} heures)",
    "HTTP {status}: the service asks to wait {wait:.0f} s{hours} before retrying, longer than helpers.client() "
    "waits ({most:.0f} s in total), so it stopped instead of hanging. Wait that long and run the cell again. The "
    "service said: {said}": (
        "HTTP {status} : le service demande d'attendre {wait:.0f} s{hours} avant de réessayer, plus longtemps "
        "qu'helpers.client() n'attend ({most:.0f} s au total) ; il s'est donc arrêté au lieu de rester bloqué. "
        "Attendez ce temps-là et réexécutez la cellule. Le service a répondu : {said}"
    ),
    # the chat box
    "Chat box (an ipywidgets widget): run the notebook's cells in JupyterLab to open it here.": (
        "Boîte de discussion (un widget ipywidgets) : exécutez les cellules du notebook dans JupyterLab pour "
        "l'ouvrir ici."
    ),
    "Model": "Modèle",
    "System": "Système",
    "Ask a question, then press Send": "Posez une question, puis appuyez sur Envoyer",
    "Send": "Envoyer",
    "Clear": "Effacer",
    "You": "Vous",
    "Assistant": "Assistant",
    "Tokens: {prompt} prompt + {completion} completion = {total} total": (
        "Jetons : {prompt} d'invite + {completion} de complétion = {total} au total"
    ),
    "Tokens: not reported by the service": "Jetons : non communiqués par le service",
    "{advice} (The service said: {said})": "{advice} (Le service a répondu : {said})",
    "In replay, the chat box answers its demo conversation (model {model}, system prompt {system!r}): press "
    "Clear, then ask in this order: {questions}": (
        "En mode replay, la boîte de discussion ne répond qu'à sa conversation de démonstration (modèle {model}, "
        "message système {system!r}) : appuyez sur Effacer, puis posez dans cet ordre : {questions}"
    ),
}
