{{ .Values.name }} ${not.a.placeholder} $(NOR_THIS)
